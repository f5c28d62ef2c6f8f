package io.hashstream.consumer.internal;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Slows hashing to a byte rate, for tests that need a file which takes longer to hash than the
 * group's {@code max.poll.interval.ms}: set the system property {@value #PROPERTY} (bytes per second,
 * per hashing thread) before the consumer is created. Unset in production: then it does nothing.
 */
final class ReadThrottle {
  static final String PROPERTY = "hashstream.test.hash-bytes-per-second";
  private static final ReadThrottle NONE = new ReadThrottle(0);

  private final long nanosPerByte;

  private ReadThrottle(long bytesPerSecond) {
    this.nanosPerByte = bytesPerSecond == 0 ? 0 : Math.max(1, TimeUnit.SECONDS.toNanos(1) / bytesPerSecond);
  }

  static ReadThrottle fromSystemProperty() {
    String value = System.getProperty(PROPERTY);
    if (value == null || value.isBlank()) {
      return NONE;
    }
    long rate = Long.parseLong(value.strip());
    if (rate <= 0) {
      throw new IllegalArgumentException(PROPERTY + " must be positive, not " + value);
    }
    return new ReadThrottle(rate);
  }

  /** Waits as long as {@code bytes} take at the rate; a cancellation is noticed after the wait. */
  void pace(int bytes) {
    if (nanosPerByte == 0) {
      return;
    }
    LockSupport.parkNanos(nanosPerByte * bytes);
  }
}
