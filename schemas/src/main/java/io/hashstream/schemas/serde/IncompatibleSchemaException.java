package io.hashstream.schemas.serde;

import java.io.Serial;
import java.util.List;

/**
 * The registry refused a schema as incompatible with the versions already registered under its
 * subject. The message names the subject and what is incompatible, field by field.
 */
public final class IncompatibleSchemaException extends RegistryRequestException {
  @Serial private static final long serialVersionUID = 1L;

  private final String subject;
  private final String[] incompatibilities;

  public IncompatibleSchemaException(
      String message,
      int status,
      int errorCode,
      String registryMessage,
      String subject,
      List<String> incompatibilities) {
    super(message, status, errorCode, registryMessage);
    this.subject = subject;
    this.incompatibilities = incompatibilities.toArray(String[]::new);
  }

  /** The subject that refused the schema. */
  public String subject() {
    return subject;
  }

  /** What is incompatible, one entry per finding, each naming its field. */
  public List<String> incompatibilities() {
    return List.of(incompatibilities);
  }
}
