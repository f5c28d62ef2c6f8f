package io.hashstream.producer;

import java.time.Duration;

/**
 * How the producer learns of changes.
 *
 * @param mode which change source watches the roots
 * @param pollInterval how often a directory that is polled rather than watched is listed again:
 *     a network file system's subtree (its changes on other hosts raise no local event), or a
 *     directory the watch limit left unwatched
 */
public record Watching(Mode mode, Duration pollInterval) {
  /** Polled directories are listed every 10 s: a change on a network share is seen within it. */
  public static final Duration DEFAULT_POLL_INTERVAL = Duration.ofSeconds(10);

  public static final Watching DEFAULT = new Watching(Mode.AUTO, DEFAULT_POLL_INTERVAL);

  /** The change sources. */
  public enum Mode {
    /**
     * inotify on Linux (where the JVM may call it), with network file systems found by their
     * {@code statfs} type and polled; the JDK's watch service elsewhere.
     */
    AUTO,
    /** inotify for every directory, network ones included; refuses to start without it. */
    INOTIFY,
    /** No watches: every directory is listed every poll interval. */
    POLL,
    /** The JDK's portable watch service (512 events per directory before it overflows). */
    JDK
  }

  /**
   * @throws IllegalArgumentException if the poll interval is not positive
   */
  public Watching {
    if (pollInterval.isNegative() || pollInterval.isZero()) {
      throw new IllegalArgumentException("the poll interval must be positive, not " + pollInterval);
    }
  }
}
