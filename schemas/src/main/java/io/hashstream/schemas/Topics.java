package io.hashstream.schemas;

/**
 * The names downstream readers depend on: hashstream's topics and their registry subjects.
 *
 * <p>Subjects follow Confluent's {@code TopicNameStrategy}: the value schema of topic {@code t} is
 * registered under {@code t-value}. Keys are plain UTF-8 strings (see {@link FileKey}) and have no
 * registered schema.
 */
public final class Topics {
  /** File change events: key {@code <root>/<path>}, value {@code FileChangeEvent}. */
  public static final String EVENTS = "hashstream.events";

  /**
   * Hash results, a compacted table: key {@code <root>/<path>}, value {@code HashResult}, or a
   * tombstone (null value, {@link SourceHeaders}) for a file that is gone.
   */
  public static final String HASHES = "hashstream.hashes";

  /** File change events that could not be handled, as they were read (bytes unchanged). */
  public static final String EVENTS_DLQ = "hashstream.events.dlq";

  private Topics() {}

  /** The registry subject of {@code topic}'s values: {@code <topic>-value}. */
  public static String valueSubject(String topic) {
    return topic + "-value";
  }

  /** The registry subject of {@code topic}'s keys: {@code <topic>-key} (hashstream registers none). */
  public static String keySubject(String topic) {
    return topic + "-key";
  }
}
