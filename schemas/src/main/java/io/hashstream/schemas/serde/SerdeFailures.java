package io.hashstream.schemas.serde;

import org.jspecify.annotations.Nullable;

/**
 * Tells the two kinds of serde failure apart wherever they surface: thrown by the serde itself, or
 * wrapped by the Kafka consumer in a {@code RecordDeserializationException} (which adds the
 * partition and offset).
 */
public final class SerdeFailures {
  /** What a caller should do about a failure. */
  public enum Kind {
    /** The record will never decode: dead-letter it and go on. */
    BAD_RECORD,
    /** The registry is unreachable or failing: wait and retry the same record. */
    TRANSIENT,
    /** Anything else: a bug or a misconfiguration; stop. */
    OTHER
  }

  private SerdeFailures() {}

  /** The kind of {@code failure}, found anywhere in its cause chain. */
  public static Kind classify(Throwable failure) {
    // Bounded: a cause chain may loop.
    int depth = 0;
    for (Throwable t = failure; t != null && depth < 100; t = next(t), depth++) {
      if (t instanceof InvalidRecordException) {
        return Kind.BAD_RECORD;
      }
      if (t instanceof RegistryUnavailableException) {
        return Kind.TRANSIENT;
      }
    }
    return Kind.OTHER;
  }

  private static @Nullable Throwable next(Throwable t) {
    return t.getCause();
  }
}
