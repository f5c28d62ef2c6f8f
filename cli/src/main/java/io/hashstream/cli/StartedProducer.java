package io.hashstream.cli;

import io.hashstream.producer.FileProducer;
import org.jspecify.annotations.Nullable;

/**
 * The producer once its start returned, for the signal handler: a stop requested while it starts
 * finds none and ends the JVM; one requested after closes it. The lock orders the two.
 */
final class StartedProducer {
  private @Nullable FileProducer producer; // guarded by this
  private boolean stopping; // guarded by this

  /** Keeps the started producer; false (and it is closed) if a stop was asked for meanwhile. */
  synchronized boolean set(FileProducer started) {
    if (stopping) {
      started.close();
      return false;
    }
    producer = started;
    return true;
  }

  synchronized void stop() {
    stopping = true;
    FileProducer current = producer;
    if (current != null) {
      current.close();
    }
  }
}
