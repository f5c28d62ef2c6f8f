package io.hashstream.faults;

import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.function.BooleanSupplier;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;

/** Conditions awaited with a deadline (Awaitility), failing early when what should answer is gone. */
final class Waits {
  private static final Duration POLL = Duration.ofMillis(100);

  private Waits() {}

  /**
   * Waits until {@code condition} holds.
   *
   * @param alive false once waiting is pointless (the process that should answer exited)
   * @throws IllegalStateException naming {@code what} when the deadline passes or {@code alive} fails
   */
  static void until(Duration timeout, String what, BooleanSupplier alive, Callable<Boolean> condition) {
    try {
      Awaitility.await(what)
          .atMost(timeout)
          .pollInterval(POLL)
          .pollInSameThread()
          .failFast("the process exited while waiting for " + what, () -> !alive.getAsBoolean())
          .until(condition);
    } catch (ConditionTimeoutException e) {
      throw new IllegalStateException("timed out after " + timeout + " waiting for " + what, e);
    }
  }

  /** {@link #until} with nothing that can exit. */
  static void until(Duration timeout, String what, Callable<Boolean> condition) {
    until(timeout, what, () -> true, condition);
  }
}
