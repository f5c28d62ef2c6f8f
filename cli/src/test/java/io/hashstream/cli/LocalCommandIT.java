package io.hashstream.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.hashstream.testsupport.FreePorts;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code hashstream local} as a user runs it: a child JVM, signals, a second launcher. */
@Tag("local-runtime")
class LocalCommandIT {
  private static final Duration START = Duration.ofMinutes(4);

  @TempDir Path work;

  @Test
  void servesUntilSigtermThenStopsCleanlyWithStatusZero() throws Exception {
    int[] ports = FreePorts.allocate(4);
    Path data = work.resolve("data");
    try (LauncherProcess launcher = LauncherProcess.start(work, localArgs(data, ports))) {
      String bootstrap = launcher.awaitLine(line -> line.startsWith("bootstrap.servers="), START);
      String registry = launcher.awaitLine(line -> line.startsWith("schema.registry.url="), START);
      assertThat(bootstrap).isEqualTo("bootstrap.servers=127.0.0.1:" + ports[0]);
      assertThat(registry)
          .isEqualTo("schema.registry.url=http://127.0.0.1:" + ports[2] + "/apis/ccompat/v7");
      assertThat(launcher.stderr()).contains("local runtime ready in");

      produceOne(bootstrap.substring(bootstrap.indexOf('=') + 1));
      registerSchema(registry.substring(registry.indexOf('=') + 1));

      List<ProcessHandle> children = launcher.process().descendants().toList();
      assertThat(children).hasSize(2);
      launcher.process().destroy();
      assertThat(launcher.awaitExit(Duration.ofMinutes(2))).isZero();
      assertThat(children).noneMatch(ProcessHandle::isAlive);
      assertThat(launcher.stderr()).doesNotContain("Exception");
    }
  }

  @Test
  void refusesASecondRuntimeOnItsDataDirectoryAndLeavesNoChildWhenKilled() throws Exception {
    int[] ports = FreePorts.allocate(4);
    Path data = work.resolve("data");
    try (LauncherProcess first = LauncherProcess.start(work, localArgs(data, ports))) {
      first.awaitLine(line -> line.startsWith("schema.registry.url="), START);
      List<ProcessHandle> children = first.process().descendants().toList();
      assertThat(children).hasSize(2);

      int[] otherPorts = FreePorts.allocate(4);
      try (LauncherProcess second = LauncherProcess.start(work, localArgs(data, otherPorts))) {
        assertThat(second.awaitExit(Duration.ofSeconds(60))).isEqualTo(1);
        assertThat(second.stderr().strip())
            .isEqualTo(
                "hashstream: the data directory "
                    + data
                    + " is in use by another hashstream runtime (pid "
                    + first.process().pid()
                    + "); stop that one first, or choose another directory with --data-dir");
      }

      // SIGKILL: no shutdown hook runs; the children's watchdog must stop them.
      first.process().destroyForcibly();
      first.awaitExit(Duration.ofSeconds(30));
      await()
          .atMost(Duration.ofSeconds(60))
          .untilAsserted(() -> assertThat(children).noneMatch(ProcessHandle::isAlive));
    }
  }

  @Test
  void refusesATakenPortInOneLineNamingTheOption() throws Exception {
    int[] ports = FreePorts.allocate(4);
    try (ServerSocket taken = new ServerSocket()) {
      taken.bind(
          new InetSocketAddress(InetAddress.getByAddress(new byte[] {127, 0, 0, 1}), ports[2]));
      try (LauncherProcess launcher =
          LauncherProcess.start(work, localArgs(work.resolve("data"), ports))) {
        assertThat(launcher.awaitExit(Duration.ofSeconds(60))).isEqualTo(1);
        assertThat(launcher.stderr().strip())
            .isEqualTo(
                "hashstream: port "
                    + ports[2]
                    + " for the schema registry is already in use on 127.0.0.1; choose another with"
                    + " --registry-port");
        assertThat(launcher.process().descendants().toList()).isEmpty();
      }
    }
  }

  @Test
  void rejectsAnUnknownOptionInOneLineWithStatusTwo() throws Exception {
    try (LauncherProcess launcher = LauncherProcess.start(work, "local", "--no-such-option")) {
      assertThat(launcher.awaitExit(Duration.ofSeconds(60))).isEqualTo(2);
      assertThat(launcher.stderr().strip())
          .isEqualTo("hashstream: Unknown option: '--no-such-option' (see 'hashstream local --help')");
    }
  }

  private static String[] localArgs(Path data, int[] ports) {
    return new String[] {
      "local",
      "--data-dir", data.toString(),
      "--kafka-port", Integer.toString(ports[0]),
      "--controller-port", Integer.toString(ports[1]),
      "--registry-port", Integer.toString(ports[2]),
      "--registry-management-port", Integer.toString(ports[3])
    };
  }

  private static void produceOne(String bootstrap) throws Exception {
    Map<String, Object> config = Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    try (Admin admin = Admin.create(config)) {
      admin.createTopics(Set.of(new NewTopic("smoke", 1, (short) 1))).all().get(30, TimeUnit.SECONDS);
    }
    Map<String, Object> producerConfig =
        Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap, ProducerConfig.ACKS_CONFIG, "all");
    try (var producer =
        new KafkaProducer<>(producerConfig, new StringSerializer(), new StringSerializer())) {
      assertThat(producer.send(new ProducerRecord<>("smoke", "k", "v")).get(30, TimeUnit.SECONDS).offset())
          .isZero();
    }
  }

  private static void registerSchema(String registryUrl) throws Exception {
    try (HttpClient http = HttpClient.newHttpClient()) {
      HttpRequest request =
          HttpRequest.newBuilder(URI.create(registryUrl + "/subjects/smoke-value/versions"))
              .header("Content-Type", "application/vnd.schemaregistry.v1+json")
              .POST(HttpRequest.BodyPublishers.ofString("{\"schema\": \"\\\"string\\\"\"}"))
              .build();
      HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
      assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
      assertThat(response.body()).matches("\\{\"id\":\\d+}");
    }
  }
}
