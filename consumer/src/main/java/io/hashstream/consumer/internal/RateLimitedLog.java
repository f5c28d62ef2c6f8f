package io.hashstream.consumer.internal;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.slf4j.Logger;

/** Logs a message at most once per interval per subject, so a repeating condition stays readable. */
final class RateLimitedLog {
  private final Logger log;
  private final long intervalNanos;
  private final Map<String, Long> lastLogged = new HashMap<>();

  RateLimitedLog(Logger log, Duration interval) {
    this.log = log;
    this.intervalNanos = interval.toNanos();
  }

  void error(String subject, String format, Object... arguments) {
    if (due(subject)) {
      log.error(format, arguments);
    }
  }

  void warn(String subject, String format, Object... arguments) {
    if (due(subject)) {
      log.warn(format, arguments);
    }
  }

  private boolean due(String subject) {
    long now = System.nanoTime();
    Long last = lastLogged.get(subject);
    if (last == null || now - last >= intervalNanos) {
      lastLogged.put(subject, now);
      return true;
    }
    return false;
  }
}
