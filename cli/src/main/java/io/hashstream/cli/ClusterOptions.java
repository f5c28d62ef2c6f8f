package io.hashstream.cli;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Option;

/**
 * How a command reaches Kafka and the schema registry; a picocli mixin shared by every command that
 * talks to a cluster. Defaults point at the local runtime; each option can also come from an
 * environment variable (an option given on the command line wins over the variable).
 */
final class ClusterOptions {
  static final String LOCAL_BOOTSTRAP_SERVERS = "127.0.0.1:9092";
  static final String LOCAL_SCHEMA_REGISTRY = "http://127.0.0.1:8081/apis/ccompat/v7";
  private static final String BOOTSTRAP_SERVERS_PROPERTY = "bootstrap.servers";
  private static final String SCHEMA_REGISTRY_PROPERTY = "schema.registry.url";

  private @Nullable Map<String, String> fileProperties;

  @Option(
      names = "--bootstrap-servers",
      paramLabel = "HOST:PORT[,...]",
      defaultValue = "${env:HASHSTREAM_BOOTSTRAP_SERVERS}",
      description =
          "Kafka bootstrap servers (env HASHSTREAM_BOOTSTRAP_SERVERS; else bootstrap.servers of"
              + " --client-config; default: " + LOCAL_BOOTSTRAP_SERVERS + ", the local runtime).")
  private @Nullable String bootstrapServers;

  @Option(
      names = "--schema-registry",
      paramLabel = "URL",
      defaultValue = "${env:HASHSTREAM_SCHEMA_REGISTRY}",
      description =
          "Confluent-compatible schema registry URL (env HASHSTREAM_SCHEMA_REGISTRY; else"
              + " schema.registry.url of --client-config; default: " + LOCAL_SCHEMA_REGISTRY
              + ", the local runtime).")
  private @Nullable String schemaRegistry;

  @Option(
      names = "--client-config",
      paramLabel = "FILE",
      defaultValue = "${env:HASHSTREAM_CLIENT_CONFIG}",
      description =
          "A Kafka client properties file (TLS, SASL, any client setting) that may also hold the"
              + " registry's Confluent-named properties (basic.auth.user.info, ...). Env"
              + " HASHSTREAM_CLIENT_CONFIG.")
  private @Nullable Path clientConfig;

  /** The option or its variable, else the client configuration's, else the local runtime's. */
  String bootstrapServers() {
    return chosen(bootstrapServers, BOOTSTRAP_SERVERS_PROPERTY, LOCAL_BOOTSTRAP_SERVERS);
  }

  private String chosen(@Nullable String option, String property, String local) {
    if (option != null && !option.isBlank()) {
      return option;
    }
    String inFile = clientProperties().get(property);
    return inFile != null && !inFile.isBlank() ? inFile.strip() : local;
  }

  /** The one line for a command whose Kafka client gave up waiting for the broker. */
  UserErrors.FailedException unreachable(Exception timeout) {
    return new UserErrors.FailedException(
        "cannot reach Kafka at "
            + bootstrapServers()
            + " within 30 s: is the broker running? ('hashstream local' starts one;"
            + " --bootstrap-servers chooses another)",
        timeout);
  }

  /**
   * Refuses, in one line, a plaintext client configuration for a broker that speaks TLS (see
   * {@link TlsListenerProbe}); asks the first bootstrap server only.
   */
  void requireMatchingListener() {
    String protocol = clientProperties().getOrDefault("security.protocol", "PLAINTEXT").strip().toUpperCase(java.util.Locale.ROOT);
    if (!protocol.equals("PLAINTEXT") && !protocol.equals("SASL_PLAINTEXT")) {
      return;
    }
    String first = bootstrapServers().split(",", -1)[0].strip();
    int colon = first.lastIndexOf(':');
    if (colon <= 0) {
      return;
    }
    int port;
    try {
      port = Integer.parseInt(first.substring(colon + 1));
    } catch (NumberFormatException e) {
      return;
    }
    String host = first.substring(0, colon).replace("[", "").replace("]", "");
    if (TlsListenerProbe.speaksTls(host, port)) {
      throw new UserErrors.UsageException(
          "the broker at "
              + first
              + " speaks TLS, but this client's security.protocol is "
              + protocol
              + ": set security.protocol=SSL or SASL_SSL and a trust store in --client-config"
              + " ('hashstream local --secure' prints one per user)");
    }
  }

  /** The option or its variable, else the client configuration's, else the local runtime's. */
  String schemaRegistry() {
    return chosen(schemaRegistry, SCHEMA_REGISTRY_PROPERTY, LOCAL_SCHEMA_REGISTRY);
  }

  /**
   * The client configuration file's properties, or none; the options above take precedence over
   * the same settings in the file.
   *
   * @throws UserErrors.UsageException if the file is missing or unreadable
   */
  Map<String, String> clientProperties() {
    Map<String, String> read = fileProperties;
    if (read == null) {
      Path file = clientConfig;
      read = file == null ? Map.of() : PropertiesFile.read(file, "the client configuration file");
      fileProperties = read;
    }
    return read;
  }
}
