package io.hashstream.runtime.internal;

import java.io.IOException;
import java.time.Instant;
import java.util.Optional;

/**
 * A service of the local runtime, run as a child JVM. The runtime starts every service before it
 * waits for any, so they start concurrently, and stops them in reverse order.
 */
public sealed interface LocalService permits KafkaBroker, SchemaRegistry {
  /** Human-readable name, used in messages. */
  String description();

  /** Starts the child process and returns without waiting for it to serve. */
  void start() throws IOException, InterruptedException;

  /**
   * Returns once the service answers a real request.
   *
   * @throws io.hashstream.runtime.LocalRuntimeException if it exits or does not answer by {@code
   *     deadline}
   */
  void awaitReady(Instant deadline) throws InterruptedException;

  /** Its child process, once started; for its exit and its log. */
  Optional<ChildProcess> process();

  /** Asks the child to stop, if it runs, without waiting. */
  void requestStop();

  /** Whether the service still accepts connections; false once it stopped serving. */
  boolean serving();

  /**
   * Finishes a child that exited on its own before the service is started again: an AOT cache it
   * was training is discarded, its pid file removed.
   */
  void reapExited() throws IOException;

  /** Stops the child, if it runs, and waits until it is gone (killing it after a grace period). */
  void stop() throws IOException;
}
