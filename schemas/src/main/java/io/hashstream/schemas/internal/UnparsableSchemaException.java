package io.hashstream.schemas.internal;

import java.io.Serial;
import org.apache.kafka.common.errors.SerializationException;
import org.jspecify.annotations.Nullable;

/** The registry returned a schema (or a referenced schema) that this Avro cannot parse. */
public final class UnparsableSchemaException extends SerializationException {
  @Serial private static final long serialVersionUID = 1L;

  public UnparsableSchemaException(String message, @Nullable Throwable cause) {
    super(message, cause);
  }
}
