package io.hashstream.producer.internal.source;

import io.hashstream.producer.Watching;
import io.hashstream.producer.internal.Failures;
import io.hashstream.producer.internal.ProducerMetrics;
import io.hashstream.producer.internal.RootGuard;
import io.hashstream.producer.internal.RootSpec;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.slf4j.LoggerFactory;

/**
 * Watches roots and scans them. Each implementation owns its operating-system handles on a thread
 * of its own. Its promise: once {@link #start} returns, every change under a root is either reported
 * to the sink as a {@link ChangeSink#pathChanged}, or found by a later scan (a {@link
 * ChangeSink#directoryListed}): the initial scan, the rescan after an overflow or a new directory,
 * or the periodic reconciliation, which catches what the operating system never reported.
 */
public sealed interface ChangeSource extends AutoCloseable permits WatchServiceSource, InotifySource {

  /**
   * The JDK's portable {@code WatchService}, the fallback where inotify cannot be used. The
   * source's thread reports its death to {@code failures}.
   */
  static ChangeSource watchService(
      List<RootSpec> roots,
      ChangeSink sink,
      Reconciliation reconciliation,
      RootGuard guard,
      ProducerMetrics metrics,
      Failures failures) {
    return new WatchServiceSource(roots, sink, reconciliation, guard, metrics, failures);
  }

  /**
   * Linux inotify through the FFM API ({@link #inotifyUnavailable} says whether this JVM can), or
   * in {@link Watching.Mode#POLL} no watches at all. Directories that are not watched (the watch
   * limit, network file systems in {@link Watching.Mode#AUTO}, every one when polling) are listed
   * again every poll interval. The source's threads report their death to {@code failures}.
   */
  static ChangeSource inotify(
      List<RootSpec> roots,
      ChangeSink sink,
      Reconciliation reconciliation,
      Watching watching,
      RootGuard guard,
      ProducerMetrics metrics,
      Failures failures) {
    return new InotifySource(roots, sink, reconciliation, watching, guard, metrics, failures);
  }

  /**
   * The source {@code watching} asks for: in {@link Watching.Mode#AUTO}, inotify where this JVM
   * can use it and the JDK's watch service elsewhere (said in the log).
   *
   * @throws IllegalStateException if {@link Watching.Mode#INOTIFY} is asked for where it cannot run
   */
  static ChangeSource choose(
      Watching watching,
      List<RootSpec> roots,
      ChangeSink sink,
      Reconciliation reconciliation,
      RootGuard guard,
      ProducerMetrics metrics,
      Failures failures) {
    Optional<String> noInotify = inotifyUnavailable();
    boolean watches = roots.stream().anyMatch(root -> watching.modeOf(root.name()) != Watching.Mode.POLL);
    if (noInotify.isPresent() && watches) {
      for (RootSpec root : roots) {
        Watching.Mode chosen = watching.modeOf(root.name());
        String option = "--watch " + (watching.roots().containsKey(root.name()) ? root.name() + "=" : "") + chosen.name().toLowerCase(Locale.ROOT);
        switch (chosen) {
          case INOTIFY -> throw new IllegalStateException(option + ": inotify cannot be used here: " + noInotify.get());
          case POLL ->
              throw new IllegalStateException(
                  option
                      + " beside watched roots needs inotify, which cannot be used here ("
                      + noInotify.get()
                      + "): poll every root (--watch poll) or none");
          case AUTO, JDK -> {}
        }
      }
    }
    return switch (watching.mode()) {
      case JDK -> watchService(roots, sink, reconciliation, guard, metrics, failures);
      case AUTO, INOTIFY, POLL -> {
        if (noInotify.isPresent() && watches) {
          LoggerFactory.getLogger(ChangeSource.class)
              .info("watching through the JDK's watch service: inotify cannot be used here ({})", noInotify.get());
          yield watchService(roots, sink, reconciliation, guard, metrics, failures);
        }
        yield inotify(roots, sink, reconciliation, watching, guard, metrics, failures);
      }
    };
  }

  /** Why this JVM cannot watch through inotify; empty if it can. */
  static Optional<String> inotifyUnavailable() {
    return InotifySource.unavailable();
  }

  /**
   * Starts watching every root and the initial scan, which runs concurrently with watching: each
   * directory is watched before it is listed, so nothing created during the scan is missed.
   */
  void start();

  /** Whether the initial scan of every root has finished. */
  boolean initialScanDone();

  /** Scans every root again, now. */
  void reconcile();

  /** Stops watching and waits for the source's thread. */
  @Override
  void close();

  /**
   * When to scan everything again.
   *
   * @param interval the period of reconciliations
   * @param afterBurst after an overflow or a burst, once the events have been quiet this long
   */
  record Reconciliation(Duration interval, Duration afterBurst) {}
}
