package io.hashstream.producer;

import java.time.Duration;
import java.util.Map;

/**
 * How the producer learns of changes.
 *
 * @param mode which change source watches the roots
 * @param roots the roots that choose otherwise, by name: {@link Mode#AUTO}, {@link Mode#INOTIFY}
 *     or {@link Mode#POLL} (the JDK's watch service watches every root or none)
 * @param pollInterval how often a directory that is polled rather than watched is listed again:
 *     a network file system's subtree (its changes on other hosts raise no local event), or a
 *     directory the watch limit left unwatched
 */
public record Watching(Mode mode, Map<String, Mode> roots, Duration pollInterval) {
  /** Polled directories are listed every 10 s: a change on a network share is seen within it. */
  public static final Duration DEFAULT_POLL_INTERVAL = Duration.ofSeconds(10);

  public static final Watching DEFAULT = new Watching(Mode.AUTO, DEFAULT_POLL_INTERVAL);

  /** The change sources. */
  public enum Mode {
    /**
     * inotify on Linux (where the JVM may call it), with network file systems (NFS, SMB/CIFS,
     * FUSE and others) found by their {@code statfs} type where the device changes, and polled;
     * the JDK's watch service elsewhere.
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
   * @throws IllegalArgumentException if the poll interval is not positive, or a root alone asks
   *     for the JDK's watch service or chooses otherwise when every root uses it
   */
  public Watching {
    if (pollInterval.isNegative() || pollInterval.isZero()) {
      throw new IllegalArgumentException("the poll interval must be positive, not " + pollInterval);
    }
    roots = Map.copyOf(roots);
    if (mode == Mode.JDK && !roots.isEmpty()) {
      throw new IllegalArgumentException(
          "--watch jdk watches every root through the JDK's watch service: a root cannot choose otherwise");
    }
    roots.forEach(
        (root, chosen) -> {
          if (chosen == Mode.JDK) {
            throw new IllegalArgumentException(
                "--watch " + root + "=jdk: the JDK's watch service watches every root or none (--watch jdk)");
          }
        });
  }

  /** Every root watched the same way. */
  public Watching(Mode mode, Duration pollInterval) {
    this(mode, Map.of(), pollInterval);
  }

  /** How root {@code name} is watched. */
  public Mode modeOf(String name) {
    return roots.getOrDefault(name, mode);
  }
}
