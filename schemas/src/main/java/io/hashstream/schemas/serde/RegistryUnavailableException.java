package io.hashstream.schemas.serde;

import java.io.Serial;
import org.apache.kafka.common.errors.SerializationException;

/**
 * The schema registry could not be reached, or answered with a server error (5xx), after the
 * configured retries. Transient: the record is not at fault, so the caller waits and retries (a
 * consumer seeks back to the record) instead of dead-lettering it, which during an outage would
 * empty the stream into the dead-letter topic. Contrast {@link InvalidRecordException}.
 */
public final class RegistryUnavailableException extends SerializationException {
  @Serial private static final long serialVersionUID = 1L;

  public RegistryUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}
