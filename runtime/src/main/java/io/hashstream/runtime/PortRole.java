package io.hashstream.runtime;

/** What a port of the local runtime serves; the launcher maps each to the option that sets it. */
public enum PortRole {
  KAFKA("the Kafka broker"),
  CONTROLLER("the KRaft controller"),
  REGISTRY("the schema registry"),
  REGISTRY_MANAGEMENT("the schema registry's management interface");

  private final String description;

  PortRole(String description) {
    this.description = description;
  }

  /** Human-readable name, used in messages. */
  public String description() {
    return description;
  }
}
