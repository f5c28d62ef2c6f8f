package io.hashstream.schemas;

import io.hashstream.schemas.avro.SourceEvent;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.UUID;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.jspecify.annotations.Nullable;

/**
 * The headers of a tombstone on the hash topic (a null value for a file that is gone): they name
 * the source event, as a {@code HashResult}'s {@code source} field does. Every value is a UTF-8
 * string, readable by any Kafka tool: the event id as a UUID, the partition and offset in decimal.
 */
public final class SourceHeaders {
  /** The source event's {@code eventId}, a UUID. */
  public static final String EVENT_ID = "hashstream.source.event-id";

  /** The topic the source event was read from. */
  public static final String TOPIC = "hashstream.source.topic";

  /** The partition the source event was read from, in decimal. */
  public static final String PARTITION = "hashstream.source.partition";

  /** The offset of the source event, in decimal. */
  public static final String OFFSET = "hashstream.source.offset";

  /**
   * On a result written by a later look at an event's file, not by the event itself (a file that
   * was {@code UNSTABLE} when its event was hashed, looked at again while the consumer runs): which
   * look it was, in decimal from 1. Such a result repeats the source of the event's own result.
   */
  public static final String RECHECK = "hashstream.recheck";

  private SourceHeaders() {}

  /** Which later look wrote a result ({@link #RECHECK}), or 0 for the event's own result. */
  public static int recheck(Headers headers) {
    String value = last(headers, RECHECK);
    return value == null ? 0 : Integer.parseInt(value);
  }

  /** New headers naming {@code source}. */
  public static Headers of(SourceEvent source) {
    RecordHeaders headers = new RecordHeaders();
    write(headers, source);
    return headers;
  }

  /** Replaces any source headers in {@code headers} with ones naming {@code source}. */
  public static void write(Headers headers, SourceEvent source) {
    put(headers, EVENT_ID, source.getEventId().toString());
    put(headers, TOPIC, source.getTopic());
    put(headers, PARTITION, Integer.toString(source.getPartition()));
    put(headers, OFFSET, Long.toString(source.getOffset()));
  }

  /**
   * The source event that {@code headers} name, or empty if they name none.
   *
   * @throws IllegalArgumentException if only some source headers are present, or one is malformed
   */
  public static Optional<SourceEvent> read(Headers headers) {
    String eventId = last(headers, EVENT_ID);
    String topic = last(headers, TOPIC);
    String partition = last(headers, PARTITION);
    String offset = last(headers, OFFSET);
    if (eventId == null && topic == null && partition == null && offset == null) {
      return Optional.empty();
    }
    if (eventId == null || topic == null || partition == null || offset == null) {
      throw new IllegalArgumentException(
          "incomplete source headers: "
              + EVENT_ID
              + ", "
              + TOPIC
              + ", "
              + PARTITION
              + " and "
              + OFFSET
              + " go together");
    }
    try {
      return Optional.of(
          SourceEvent.newBuilder()
              .setEventId(UUID.fromString(eventId))
              .setTopic(topic)
              .setPartition(Integer.parseInt(partition))
              .setOffset(Long.parseLong(offset))
              .build());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("malformed source headers: " + e.getMessage(), e);
    }
  }

  private static void put(Headers headers, String name, String value) {
    headers.remove(name);
    headers.add(name, value.getBytes(StandardCharsets.UTF_8));
  }

  private static @Nullable String last(Headers headers, String name) {
    Header header = headers.lastHeader(name);
    if (header == null) {
      return null;
    }
    byte[] value = header.value();
    return value == null ? null : new String(value, StandardCharsets.UTF_8);
  }
}
