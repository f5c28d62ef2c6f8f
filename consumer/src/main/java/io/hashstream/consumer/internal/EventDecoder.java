package io.hashstream.consumer.internal;

import io.hashstream.schemas.FileKey;
import io.hashstream.schemas.avro.FileChangeEvent;
import io.hashstream.schemas.serde.AvroDeserializer;
import io.hashstream.schemas.serde.SerdeFailures;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.errors.SerializationException;

/**
 * Decodes event values in our code, not in the Kafka consumer, so a record that cannot be decoded is
 * still in hand: bad input is told apart from a registry that is briefly unreachable.
 */
public final class EventDecoder implements AutoCloseable {
  private final AvroDeserializer<FileChangeEvent> deserializer;

  public EventDecoder(Map<String, Object> serdeConfig) {
    deserializer = new AvroDeserializer<>(FileChangeEvent.class, serdeConfig, false);
  }

  /** What a record's bytes turned out to be. */
  public sealed interface Decoded {
    record Event(FileChangeEvent event, FileKey key) implements Decoded {}

    /** It will never decode, or it contradicts its own key. */
    record Bad(DeadLetters.Reason code, String reason) implements Decoded {}

    /** The registry could not be asked: try the same record again later. */
    record Transient(SerializationException cause) implements Decoded {}
  }

  public Decoded decode(ConsumerRecord<byte[], byte[]> record) {
    byte[] value = record.value();
    if (value == null) {
      return new Decoded.Bad(DeadLetters.Reason.NO_VALUE, "the record has no value");
    }
    FileChangeEvent event;
    try {
      event = deserializer.deserialize(record.topic(), record.headers(), value);
    } catch (SerializationException e) {
      return switch (SerdeFailures.classify(e)) {
        case TRANSIENT -> new Decoded.Transient(e);
        case BAD_RECORD, OTHER -> new Decoded.Bad(DeadLetters.Reason.UNDECODABLE, String.valueOf(e.getMessage()));
      };
    }
    if (event == null) {
      return new Decoded.Bad(DeadLetters.Reason.UNDECODABLE, "the record decoded to nothing");
    }
    FileKey key;
    try {
      key = FileKey.of(event);
    } catch (IllegalArgumentException e) {
      return new Decoded.Bad(
          DeadLetters.Reason.UNSAFE_PATH, "the event names an unsafe path: " + e.getMessage());
    }
    byte[] recordKey = record.key();
    if (recordKey == null || !key.key().equals(new String(recordKey, StandardCharsets.UTF_8))) {
      return new Decoded.Bad(
          DeadLetters.Reason.KEY_MISMATCH, "the record's key does not match its event's root and path");
    }
    return new Decoded.Event(event, key);
  }

  @Override
  public void close() {
    deserializer.close();
  }
}
