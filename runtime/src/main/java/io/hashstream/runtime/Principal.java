package io.hashstream.runtime;

import java.util.Locale;

/**
 * The users of a secured local runtime, each with its own SCRAM password and registry role. What
 * each may do in Kafka is granted by the ACLs its deployment is given, not by the runtime; the
 * admin alone is a super user.
 */
public enum Principal {
  /** A super user of the broker and {@code sr-admin} of the registry. */
  ADMIN("sr-admin"),
  /** The producer: registers the events schema. */
  PRODUCER("sr-developer"),
  /** The consumer group: registers the results schema and sets its compatibility. */
  CONSUMER("sr-developer"),
  /** A downstream reader of the hash table: reads schemas only. */
  READER("sr-readonly");

  private final String registryRole;

  Principal(String registryRole) {
    this.registryRole = registryRole;
  }

  /** The user name, in Kafka ({@code User:<name>}) and in the registry. */
  public String userName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The Apicurio role the registry gives this user. */
  public String registryRole() {
    return registryRole;
  }

  /** {@code User:<name>}, as ACLs name it. */
  public String kafkaPrincipal() {
    return "User:" + userName();
  }
}
