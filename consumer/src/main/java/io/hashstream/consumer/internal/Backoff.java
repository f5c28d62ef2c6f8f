package io.hashstream.consumer.internal;

import java.time.Duration;

/**
 * A wait that doubles with each failure in a row, by default from 100 ms up to 5 s, and starts over
 * on success.
 */
final class Backoff {
  private final Duration min;
  private final Duration max;
  private Duration next;

  Backoff() {
    this(Duration.ofMillis(100), Duration.ofSeconds(5));
  }

  Backoff(Duration min, Duration max) {
    this.min = min;
    this.max = max;
    this.next = min;
  }

  /** The wait for this failure; the next one waits twice as long. */
  Duration next() {
    Duration wait = next;
    Duration doubled = next.multipliedBy(2);
    next = doubled.compareTo(max) > 0 ? max : doubled;
    return wait;
  }

  void reset() {
    next = min;
  }
}
