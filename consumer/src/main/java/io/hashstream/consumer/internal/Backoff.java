package io.hashstream.consumer.internal;

import java.time.Duration;

/** A wait that doubles with each failure in a row, from 100 ms up to 5 s, and starts over on success. */
final class Backoff {
  private static final Duration MIN = Duration.ofMillis(100);
  private static final Duration MAX = Duration.ofSeconds(5);

  private Duration next = MIN;

  /** The wait for this failure; the next one waits twice as long. */
  Duration next() {
    Duration wait = next;
    Duration doubled = next.multipliedBy(2);
    next = doubled.compareTo(MAX) > 0 ? MAX : doubled;
    return wait;
  }

  void reset() {
    next = MIN;
  }
}
