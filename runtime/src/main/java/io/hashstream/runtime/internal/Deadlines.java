package io.hashstream.runtime.internal;

import io.hashstream.runtime.LocalRuntimeException;
import java.time.Duration;
import java.time.Instant;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Waits for a child to serve, failing early and clearly if it exits first. */
final class Deadlines {
  private static final Logger LOG = LoggerFactory.getLogger(Deadlines.class);
  private static final Duration POLL_INTERVAL = Duration.ofMillis(250);

  private Deadlines() {}

  /** Polls {@code ready} until it holds, the child exits, or {@code deadline} passes. */
  static void awaitServing(
      String description, ChildProcess child, Instant deadline, BooleanSupplier ready)
      throws InterruptedException {
    while (true) {
      if (!child.isAlive()) {
        LOG.error(
            "{} exited during start-up; the end of its console log:\n{}",
            description,
            child.tailOfConsoleLog());
        throw new LocalRuntimeException(
            description
                + " exited during start-up with status "
                + child.exitStatus().orElse(-1)
                + "; see "
                + child.consoleLog());
      }
      if (ready.getAsBoolean()) {
        return;
      }
      if (Instant.now().isAfter(deadline)) {
        throw new LocalRuntimeException(
            description + " did not answer in time; see " + child.consoleLog());
      }
      Thread.sleep(POLL_INTERVAL);
    }
  }
}
