package io.hashstream.schemas.serde;

import java.io.Serial;
import org.apache.kafka.common.errors.SerializationException;

/**
 * The schema registry refused a request (HTTP 4xx). Carries the HTTP status and the registry's
 * {@code error_code} and message, as Confluent's REST API defines them: for example 404 with 40401
 * (subject not found), 40402 (version not found), 40403 (schema not found); 409 (incompatible
 * schema); 422 with 42201 (invalid schema); 401 or 403 (credentials).
 */
public class RegistryRequestException extends SerializationException {
  @Serial private static final long serialVersionUID = 1L;

  /** Subject not found. */
  public static final int SUBJECT_NOT_FOUND = 40401;

  /** Version not found. */
  public static final int VERSION_NOT_FOUND = 40402;

  /** Schema not found (an unknown id, or a schema not registered under the subject). */
  public static final int SCHEMA_NOT_FOUND = 40403;

  private final int status;
  private final int errorCode;
  private final String registryMessage;

  public RegistryRequestException(String message, int status, int errorCode, String registryMessage) {
    super(message);
    this.status = status;
    this.errorCode = errorCode;
    this.registryMessage = registryMessage;
  }

  /** The HTTP status, 400 to 499. */
  public int status() {
    return status;
  }

  /** The registry's {@code error_code}, or the HTTP status when the answer carried none. */
  public int errorCode() {
    return errorCode;
  }

  /** The registry's own message, or the body of its answer when it carried none. */
  public String registryMessage() {
    return registryMessage;
  }
}
