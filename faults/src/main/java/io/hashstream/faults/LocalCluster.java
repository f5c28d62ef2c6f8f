package io.hashstream.faults;

import io.hashstream.testsupport.FreePorts;
import io.hashstream.testsupport.TcpProxy;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.stream.Collectors;

/**
 * The local runtime as {@code hashstream local} runs it, on free ports, with one addition through
 * {@code --broker-config}: a client-only listener whose advertised address is a {@link TcpProxy}'s.
 * The pipeline connects through the proxy, so the suite can cut the clients' network while the
 * broker's own traffic (transaction markers go over its listener even on one node) and the oracle's
 * reads take the broker's own port.
 */
final class LocalCluster implements AutoCloseable {
  private static final Duration START = Duration.ofMinutes(4);

  private final Distribution distribution;
  private final Path home;
  private final Map<String, String> extraBrokerConfig;
  private final int kafkaPort;
  private final int controllerPort;
  private final int registryPort;
  private final int managementPort;
  private final int clientListenerPort;
  private final TcpProxy proxy;
  private Launched local;
  private int starts;

  private LocalCluster(Distribution distribution, Path home, Map<String, String> extraBrokerConfig) throws IOException, InterruptedException {
    this.distribution = distribution;
    this.home = home;
    this.extraBrokerConfig = extraBrokerConfig;
    int[] ports = FreePorts.allocate(6);
    kafkaPort = ports[0];
    controllerPort = ports[1];
    registryPort = ports[2];
    managementPort = ports[3];
    clientListenerPort = ports[4];
    proxy = new TcpProxy("127.0.0.1", clientListenerPort, ports[5]);
    local = launch();
  }

  /** Starts the runtime in {@code home} and waits until it answers. */
  static LocalCluster start(Distribution distribution, Path home, Map<String, String> extraBrokerConfig)
      throws IOException, InterruptedException {
    return new LocalCluster(distribution, home, extraBrokerConfig);
  }

  private Launched launch() throws IOException, InterruptedException {
    Path config = home.resolve("broker.properties");
    Files.createDirectories(home);
    Map<String, String> broker = new LinkedHashMap<>();
    broker.put(
        "listeners",
        "PLAINTEXT://127.0.0.1:%d,CONTROLLER://127.0.0.1:%d,CLIENT://127.0.0.1:%d"
            .formatted(kafkaPort, controllerPort, clientListenerPort));
    broker.put(
        "advertised.listeners",
        "PLAINTEXT://127.0.0.1:%d,CLIENT://127.0.0.1:%d".formatted(kafkaPort, proxy.port()));
    broker.put("listener.security.protocol.map", "CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT,CLIENT:PLAINTEXT");
    broker.putAll(extraBrokerConfig);
    Files.writeString(
        config,
        broker.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining("\n", "", "\n")),
        StandardCharsets.UTF_8);
    starts++;
    Launched started =
        Launched.start(
            distribution,
            home.resolve("logs"),
            "local-" + starts,
            List.of(
                "local",
                "--data-dir", home.resolve("data").toString(),
                "--kafka-port", Integer.toString(kafkaPort),
                "--controller-port", Integer.toString(controllerPort),
                "--registry-port", Integer.toString(registryPort),
                "--registry-management-port", Integer.toString(managementPort),
                "--broker-config", config.toString()));
    Waits.until(START, "the local runtime to answer", started::alive, () -> started.log().contains("local runtime ready"));
    return started;
  }

  /** For the oracle and the suite's own admin: the broker's own listener, never cut. */
  String internalBootstrap() {
    return "127.0.0.1:" + kafkaPort;
  }

  /** For the pipeline: through the proxy. */
  String clientBootstrap() {
    return "127.0.0.1:" + proxy.port();
  }

  String registryUrl() {
    return "http://127.0.0.1:" + registryPort + "/apis/ccompat/v7";
  }

  TcpProxy proxy() {
    return proxy;
  }

  /** The launcher that runs and supervises the broker and the registry. */
  Launched launcher() {
    return local;
  }

  OptionalLong brokerPid() {
    return pid(home.resolve("data/kafka/broker.pid"));
  }

  OptionalLong registryPid() {
    return pid(home.resolve("data/registry/registry.pid"));
  }

  private static OptionalLong pid(Path file) {
    try {
      return OptionalLong.of(Long.parseLong(Files.readString(file, StandardCharsets.US_ASCII).strip()));
    } catch (IOException | NumberFormatException e) {
      // Between an exit and the restart there is no pid file, or a half-written one.
      return OptionalLong.empty();
    }
  }

  /** What a fault does while the service it killed stays down. */
  interface Outage {
    void last() throws Exception;
  }

  /**
   * SIGKILLs the service running as {@code pid} with the runtime's supervisor frozen (SIGSTOP), so
   * that it stays down while {@code outage} lasts, then lets the supervisor start it again.
   *
   * @return the killed pid
   */
  long killWithSupervisorFrozen(OptionalLong pid, Outage outage) throws Exception {
    long killed = pid.orElseThrow();
    local.signal(Signal.STOP);
    try {
      Signal.KILL.send(killed);
      outage.last();
    } finally {
      local.signal(Signal.CONT);
    }
    return killed;
  }

  /** Waits until the broker runs a process other than {@code previous} and answers. */
  Instant awaitBrokerRestarted(long previous, Duration timeout) throws InterruptedException {
    Waits.until(timeout, "the broker to be started again", local::alive, () -> brokerPid().orElse(previous) != previous);
    Waits.until(timeout, "the broker to serve again", local::alive, () -> Kafka.answers(internalBootstrap()));
    return Instant.now();
  }

  /** Stops the runtime (SIGTERM, as a script would) and starts it again on the same data. */
  void restart() throws IOException, InterruptedException {
    local.stop();
    local = launch();
  }

  Path home() {
    return home;
  }

  @Override
  public void close() throws IOException {
    try {
      local.stop();
    } finally {
      proxy.close();
    }
  }
}
