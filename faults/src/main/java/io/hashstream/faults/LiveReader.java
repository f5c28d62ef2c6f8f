package io.hashstream.faults;

import java.time.Duration;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The reader that runs while the faults last and records every committed result, so that a
 * transient lie (a tombstone or another digest for a file unchanged throughout) is caught even when
 * a later record corrects it. Its oracle belongs to its thread.
 */
final class LiveReader implements AutoCloseable {
  private final Oracle oracle;
  private final Thread thread;
  private volatile boolean running = true;
  private volatile @Nullable RuntimeException failure;
  private volatile Verdict last;

  LiveReader(LocalCluster cluster, String hashTopic, Map<String, String> stable) {
    this.oracle = new Oracle(cluster, hashTopic, stable);
    this.last = oracle.checks();
    this.thread = Thread.ofPlatform().name("live-reader").daemon().start(this::run);
  }

  private void run() {
    try {
      while (running) {
        oracle.poll(Duration.ofMillis(200));
        last = oracle.checks();
      }
    } catch (RuntimeException e) {
      failure = e;
    } finally {
      oracle.close();
    }
  }

  /** Results read so far: the suite's sign of progress. */
  long results() {
    return last.results();
  }

  /** Stops reading and returns what it found. */
  Verdict stop() throws InterruptedException {
    running = false;
    thread.join();
    RuntimeException failed = failure;
    if (failed != null) {
      throw new IllegalStateException("the live reader failed: " + failed.getMessage(), failed);
    }
    return last;
  }

  @Override
  public void close() {
    running = false;
    try {
      thread.join();
    } catch (InterruptedException e) {
      // The reader stops at its next poll; the caller's interrupt is kept.
      Thread.currentThread().interrupt();
    }
  }
}
