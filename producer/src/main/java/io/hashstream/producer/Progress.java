package io.hashstream.producer;

import java.time.Duration;

/**
 * A snapshot of what the producer is doing, for progress displays and tests.
 *
 * @param phase what the producer is busy with
 * @param filesSeen files the scans have listed so far (the initial scan and every rescan)
 * @param scanElapsed how long the initial scan has run (or ran)
 * @param pendingPaths distinct paths with a change not yet handed to Kafka
 * @param inFlight events sent and not yet acknowledged
 * @param published events Kafka acknowledged since the start
 * @param indexedFiles files in the index (the state last acknowledged, per path)
 */
public record Progress(
    Phase phase,
    long filesSeen,
    Duration scanElapsed,
    long pendingPaths,
    long inFlight,
    long published,
    long indexedFiles) {

  /** The producer's phases, in order. */
  public enum Phase {
    /** Reading the hash table as the starting index. */
    LOADING_INDEX,
    /** Watching, with the initial scan still running. */
    SCANNING,
    /** Watching; the initial scan is done. */
    WATCHING,
    /** Stopped. */
    STOPPED
  }

  /** Files per second of the initial scan. */
  public double filesPerSecond() {
    long millis = Math.max(1, scanElapsed.toMillis());
    return filesSeen * 1000.0 / millis;
  }

  /** True when every change seen so far is acknowledged by Kafka and nothing waits. */
  public boolean idle() {
    return phase == Phase.WATCHING && pendingPaths == 0 && inFlight == 0;
  }
}
