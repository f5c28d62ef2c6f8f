package io.hashstream.schemas.serde;

import java.io.Serial;
import org.apache.kafka.common.errors.SerializationException;
import org.jspecify.annotations.Nullable;

/**
 * A record that will never decode, however often it is retried: a wrong magic byte, a truncated or
 * malformed body, a schema id the registry does not know, or a writer schema this reader cannot
 * resolve. The caller's move is to dead-letter the record and go on. Contrast {@link
 * RegistryUnavailableException}.
 */
public final class InvalidRecordException extends SerializationException {
  @Serial private static final long serialVersionUID = 1L;

  private final String topic;

  public InvalidRecordException(String topic, String message, @Nullable Throwable cause) {
    super("cannot decode a record of topic '" + topic + "': " + message, cause);
    this.topic = topic;
  }

  /** The topic the record was read from. */
  public String topic() {
    return topic;
  }
}
