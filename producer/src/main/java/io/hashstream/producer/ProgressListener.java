package io.hashstream.producer;

/**
 * Told about progress while the index loads and the initial scan runs: about once a second, and
 * once more when the initial scan is done (phase {@link Progress.Phase#WATCHING}). Called on a
 * producer thread: return quickly.
 */
@FunctionalInterface
public interface ProgressListener {
  /** A listener that logs progress every 10 seconds and when the initial scan is done. */
  static ProgressListener log() {
    return new io.hashstream.producer.internal.ProgressLog();
  }

  /** One line describing {@code progress}, as the log shows it; for terminals. */
  static String describe(Progress progress) {
    return io.hashstream.producer.internal.ProgressLog.line(progress);
  }

  void onProgress(Progress progress);
}
