package io.hashstream.producer.internal;

import io.hashstream.producer.Progress;
import io.hashstream.producer.ProgressListener;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Progress in the log: every 10 seconds while scanning, and once when the initial scan is done. */
public final class ProgressLog implements ProgressListener {
  private static final Logger LOG = LoggerFactory.getLogger(ProgressLog.class);
  private static final long EVERY_NANOS = TimeUnit.SECONDS.toNanos(10);

  private long lastNanos = System.nanoTime();
  private boolean doneReported;

  @Override
  public synchronized void onProgress(Progress progress) {
    long now = System.nanoTime();
    switch (progress.phase()) {
      case LOADING_INDEX, SCANNING -> {
        if (now - lastNanos >= EVERY_NANOS) {
          lastNanos = now;
          LOG.info("{}", line(progress));
        }
      }
      case WATCHING -> {
        if (!doneReported) {
          doneReported = true;
          LOG.info(
              "initial scan done: {} files in {} s ({} files/s); {} change(s) pending, {} in flight",
              progress.filesSeen(),
              String.format(Locale.ROOT, "%.1f", progress.scanElapsed().toMillis() / 1000.0),
              String.format(Locale.ROOT, "%.0f", progress.filesPerSecond()),
              progress.pendingPaths(),
              progress.inFlight());
        }
      }
      case STOPPED -> {}
    }
  }

  /** One line describing {@code progress}, for logs and terminals. */
  public static String line(Progress progress) {
    return switch (progress.phase()) {
      case LOADING_INDEX ->
          String.format(Locale.ROOT, "loading the index: %,d files known", progress.indexedFiles());
      case SCANNING, WATCHING, STOPPED ->
          String.format(
              Locale.ROOT,
              "%s: %,d files seen, %,.0f files/s; %,d pending, %,d in flight, %,d published",
              progress.phase() == Progress.Phase.SCANNING ? "scanning" : "scanned",
              progress.filesSeen(),
              progress.filesPerSecond(),
              progress.pendingPaths(),
              progress.inFlight(),
              progress.published());
    };
  }
}
