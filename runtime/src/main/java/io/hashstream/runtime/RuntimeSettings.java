package io.hashstream.runtime;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Where the local runtime keeps its data and which loopback ports it serves.
 *
 * @param dataDirectory holds the broker's log, the registry's database, the logs and the AOT caches
 * @param kafkaPort the broker's client port
 * @param controllerPort the KRaft controller's port
 * @param registryPort the schema registry's HTTP port
 * @param registryManagementPort the registry's management port (health), which cannot be disabled
 * @param withRegistry whether to start the schema registry next to the broker
 * @param startTimeout how long both services may take to answer before the start is given up
 * @param aotCacheDirectory where the child JVMs' AOT caches are kept; by default inside the data
 *     directory, and shared between data directories by the tests
 * @param brokerConfig broker properties that replace or add to the runtime's own (a second
 *     listener, {@code log.dirs} on another file system); the ones that make the node itself cannot
 *     be replaced
 * @param secure TLS, SASL/SCRAM and ACLs on the broker, HTTPS and basic authentication with roles
 *     on the registry; a data directory is made secured or not on its first start and stays so
 */
public record RuntimeSettings(
    Path dataDirectory,
    int kafkaPort,
    int controllerPort,
    int registryPort,
    int registryManagementPort,
    boolean withRegistry,
    Duration startTimeout,
    Path aotCacheDirectory,
    Map<String, String> brokerConfig,
    boolean secure) {

  public static final int DEFAULT_KAFKA_PORT = 9092;
  public static final int DEFAULT_CONTROLLER_PORT = 9093;
  public static final int DEFAULT_REGISTRY_PORT = 8081;
  public static final int DEFAULT_REGISTRY_MANAGEMENT_PORT = 9000;
  public static final Duration DEFAULT_START_TIMEOUT = Duration.ofMinutes(3);

  /** What makes the one node of the local runtime, and its controller, what they are. */
  public static final Set<String> FIXED_BROKER_PROPERTIES =
      Set.of("process.roles", "node.id", "controller.quorum.voters", "controller.listener.names");

  public RuntimeSettings {
    dataDirectory = dataDirectory.toAbsolutePath().normalize();
    aotCacheDirectory = aotCacheDirectory.toAbsolutePath().normalize();
    Map<Integer, PortRole> seen = new HashMap<>();
    checkPort(seen, kafkaPort, PortRole.KAFKA);
    checkPort(seen, controllerPort, PortRole.CONTROLLER);
    if (withRegistry) {
      checkPort(seen, registryPort, PortRole.REGISTRY);
      checkPort(seen, registryManagementPort, PortRole.REGISTRY_MANAGEMENT);
    }
    for (String fixed : FIXED_BROKER_PROPERTIES) {
      if (brokerConfig.containsKey(fixed)) {
        throw new IllegalArgumentException(
            "the broker property " + fixed + " is the local runtime's own and cannot be replaced");
      }
    }
    brokerConfig = Collections.unmodifiableMap(new TreeMap<>(brokerConfig));
    if (startTimeout.isNegative() || startTimeout.isZero()) {
      throw new IllegalArgumentException("the start timeout must be positive, not " + startTimeout);
    }
  }

  /** The defaults a user gets with no options: the ports Kafka and Confluent clients expect. */
  public static RuntimeSettings defaults(Path dataDirectory) {
    return new RuntimeSettings(
        dataDirectory,
        DEFAULT_KAFKA_PORT,
        DEFAULT_CONTROLLER_PORT,
        DEFAULT_REGISTRY_PORT,
        DEFAULT_REGISTRY_MANAGEMENT_PORT,
        true,
        DEFAULT_START_TIMEOUT,
        dataDirectory.resolve("aot"),
        Map.of(),
        false);
  }

  /**
   * The XDG data directory for hashstream: {@code $XDG_DATA_HOME/hashstream}, else {@code
   * ~/.local/share/hashstream}.
   */
  public static Path defaultDataDirectory() {
    String xdg = System.getenv("XDG_DATA_HOME");
    if (xdg != null && !xdg.isBlank() && Path.of(xdg).isAbsolute()) {
      return Path.of(xdg, "hashstream");
    }
    return Path.of(System.getProperty("user.home"), ".local", "share", "hashstream");
  }

  public RuntimeSettings withoutRegistry() {
    return new RuntimeSettings(
        dataDirectory,
        kafkaPort,
        controllerPort,
        registryPort,
        registryManagementPort,
        false,
        startTimeout,
        aotCacheDirectory,
        brokerConfig,
        secure);
  }

  public RuntimeSettings withPorts(
      int kafkaPort, int controllerPort, int registryPort, int registryManagementPort) {
    return new RuntimeSettings(
        dataDirectory,
        kafkaPort,
        controllerPort,
        registryPort,
        registryManagementPort,
        withRegistry,
        startTimeout,
        aotCacheDirectory,
        brokerConfig,
        secure);
  }

  public RuntimeSettings withAotCacheDirectory(Path directory) {
    return new RuntimeSettings(
        dataDirectory,
        kafkaPort,
        controllerPort,
        registryPort,
        registryManagementPort,
        withRegistry,
        startTimeout,
        directory,
        brokerConfig,
        secure);
  }

  public RuntimeSettings withBrokerConfig(Map<String, String> properties) {
    return new RuntimeSettings(
        dataDirectory,
        kafkaPort,
        controllerPort,
        registryPort,
        registryManagementPort,
        withRegistry,
        startTimeout,
        aotCacheDirectory,
        properties,
        secure);
  }

  /** The same runtime, secured or not; see {@link #secure}. */
  public RuntimeSettings withSecure(boolean value) {
    return new RuntimeSettings(
        dataDirectory,
        kafkaPort,
        controllerPort,
        registryPort,
        registryManagementPort,
        withRegistry,
        startTimeout,
        aotCacheDirectory,
        brokerConfig,
        value);
  }

  public String bootstrapServers() {
    return "127.0.0.1:" + kafkaPort;
  }

  public String schemaRegistryUrl() {
    return (secure ? "https" : "http") + "://127.0.0.1:" + registryPort + "/apis/ccompat/v7";
  }

  private static void checkPort(Map<Integer, PortRole> seen, int port, PortRole role) {
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException(
          "the port for " + role.description() + " must be between 1 and 65535, not " + port);
    }
    PortRole other = seen.putIfAbsent(port, role);
    if (other != null) {
      throw new IllegalArgumentException(
          "port "
              + port
              + " is given both for "
              + other.description()
              + " and for "
              + role.description());
    }
  }
}
