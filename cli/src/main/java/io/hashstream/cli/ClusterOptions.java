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
  @Option(
      names = "--bootstrap-servers",
      paramLabel = "HOST:PORT[,...]",
      defaultValue = "${env:HASHSTREAM_BOOTSTRAP_SERVERS:-127.0.0.1:9092}",
      description =
          "Kafka bootstrap servers (env HASHSTREAM_BOOTSTRAP_SERVERS; default: 127.0.0.1:9092,"
              + " the local runtime).")
  private String bootstrapServers = "127.0.0.1:9092";

  @Option(
      names = "--schema-registry",
      paramLabel = "URL",
      defaultValue = "${env:HASHSTREAM_SCHEMA_REGISTRY:-http://127.0.0.1:8081/apis/ccompat/v7}",
      description =
          "Confluent-compatible schema registry URL (env HASHSTREAM_SCHEMA_REGISTRY; default:"
              + " http://127.0.0.1:8081/apis/ccompat/v7, the local runtime).")
  private String schemaRegistry = "http://127.0.0.1:8081/apis/ccompat/v7";

  @Option(
      names = "--client-config",
      paramLabel = "FILE",
      defaultValue = "${env:HASHSTREAM_CLIENT_CONFIG}",
      description =
          "A Kafka client properties file (TLS, SASL, any client setting) that may also hold the"
              + " registry's Confluent-named properties (basic.auth.user.info, ...). Env"
              + " HASHSTREAM_CLIENT_CONFIG.")
  private @Nullable Path clientConfig;

  String bootstrapServers() {
    return bootstrapServers;
  }

  /** The one line for a command whose Kafka client gave up waiting for the broker. */
  UserErrors.FailedException unreachable(Exception timeout) {
    return new UserErrors.FailedException(
        "cannot reach Kafka at "
            + bootstrapServers
            + " within 30 s: is the broker running? ('hashstream local' starts one;"
            + " --bootstrap-servers chooses another)",
        timeout);
  }

  String schemaRegistry() {
    return schemaRegistry;
  }

  /**
   * The client configuration file's properties, or none; the options above take precedence over
   * the same settings in the file.
   *
   * @throws UserErrors.UsageException if the file is missing or unreadable
   */
  Map<String, String> clientProperties() {
    Path file = clientConfig;
    if (file == null) {
      return Map.of();
    }
    return PropertiesFile.read(file, "the client configuration file");
  }
}
