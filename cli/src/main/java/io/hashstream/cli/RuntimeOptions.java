package io.hashstream.cli;

import io.hashstream.runtime.LocalRuntime;
import io.hashstream.runtime.LocalRuntimeException;
import io.hashstream.runtime.PortRole;
import io.hashstream.runtime.RuntimeSettings;
import java.nio.file.Path;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Option;

/** The local runtime's options, a picocli mixin shared by {@code local} and {@code up}. */
final class RuntimeOptions {
  /** Keeps the AOT caches outside the data directory, so many data directories share them. */
  static final String AOT_DIRECTORY_PROPERTY = "hashstream.aot.dir";

  @Option(
      names = "--data-dir",
      paramLabel = "DIR",
      defaultValue = "${env:HASHSTREAM_DATA_DIR}",
      description =
          "Where the broker's log, the registry's schemas and the logs are kept"
              + " (env HASHSTREAM_DATA_DIR; default: $XDG_DATA_HOME/hashstream or"
              + " ~/.local/share/hashstream).")
  private @Nullable Path dataDirectory;

  @Option(names = "--kafka-port", paramLabel = "N", description = "The broker's port (default: ${DEFAULT-VALUE}).")
  private int kafkaPort = RuntimeSettings.DEFAULT_KAFKA_PORT;

  @Option(
      names = "--controller-port",
      paramLabel = "N",
      description = "The KRaft controller's port (default: ${DEFAULT-VALUE}).")
  private int controllerPort = RuntimeSettings.DEFAULT_CONTROLLER_PORT;

  @Option(
      names = "--registry-port",
      paramLabel = "N",
      description = "The schema registry's port (default: ${DEFAULT-VALUE}).")
  private int registryPort = RuntimeSettings.DEFAULT_REGISTRY_PORT;

  @Option(
      names = "--registry-management-port",
      paramLabel = "N",
      description = "The schema registry's health port (default: ${DEFAULT-VALUE}).")
  private int registryManagementPort = RuntimeSettings.DEFAULT_REGISTRY_MANAGEMENT_PORT;

  @Option(
      names = "--broker-config",
      paramLabel = "FILE",
      description =
          "Kafka broker properties (a .properties file) that replace or add to the local broker's"
              + " own, for example a second listener or log.dirs on another disk; process.roles,"
              + " node.id and the controller's settings stay the runtime's.")
  private @Nullable Path brokerConfig;

  @Option(
      names = "--secure",
      description =
          "A secured runtime: TLS 1.3 and SASL/SCRAM on the broker with ACLs (no ACL, no access),"
              + " HTTPS and basic authentication with roles on the registry, a user per part of the"
              + " pipeline and a --client-config file for each. A data directory is secured or not"
              + " from its first start on.")
  private boolean secure;

  boolean secure() {
    return secure;
  }

  Path dataDirectory() {
    Path chosen = dataDirectory;
    return chosen != null ? chosen : RuntimeSettings.defaultDataDirectory();
  }

  RuntimeSettings settings() {
    try {
      RuntimeSettings settings =
          RuntimeSettings.defaults(dataDirectory())
              .withPorts(kafkaPort, controllerPort, registryPort, registryManagementPort)
              .withSecure(secure);
      Path given = brokerConfig;
      if (given != null) {
        settings = settings.withBrokerConfig(PropertiesFile.read(given, "the broker configuration file"));
      }
      String sharedAotCaches = System.getProperty(AOT_DIRECTORY_PROPERTY);
      return sharedAotCaches == null ? settings : settings.withAotCacheDirectory(Path.of(sharedAotCaches));
    } catch (IllegalArgumentException e) {
      throw new UserErrors.UsageException(String.valueOf(e.getMessage()));
    }
  }

  /** Starts the runtime; a port in use is reported with the option that changes it. */
  LocalRuntime start() throws InterruptedException {
    try {
      return LocalRuntime.start(settings());
    } catch (LocalRuntimeException.PortInUse e) {
      throw new LocalRuntimeException(e.getMessage() + "; choose another with " + optionFor(e.role()), e);
    }
  }

  static String optionFor(PortRole role) {
    return switch (role) {
      case KAFKA -> "--kafka-port";
      case CONTROLLER -> "--controller-port";
      case REGISTRY -> "--registry-port";
      case REGISTRY_MANAGEMENT -> "--registry-management-port";
    };
  }
}
