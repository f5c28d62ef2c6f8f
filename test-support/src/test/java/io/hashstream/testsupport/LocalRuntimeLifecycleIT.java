package io.hashstream.testsupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.hashstream.runtime.LocalRuntime;
import io.hashstream.runtime.LocalRuntimeException;
import io.hashstream.runtime.PortRole;
import io.hashstream.runtime.RuntimeSettings;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Runtimes of their own: restart on the same data, and the refusals a user meets. */
@Tag("local-runtime")
class LocalRuntimeLifecycleIT {
  private static final String SCHEMA =
      "{\"schema\": \"{\\\"type\\\":\\\"record\\\",\\\"name\\\":\\\"R\\\",\\\"fields\\\":[{\\\"name\\\":\\\"a\\\",\\\"type\\\":\\\"string\\\"}]}\"}";

  @TempDir Path dataDirectory;

  @Test
  void restartsWithItsTopicsRecordsAndSchemaIds() throws Exception {
    RuntimeSettings settings = TestRuntimes.settings(dataDirectory);
    String topic;
    int schemaId;
    try (LocalRuntime runtime = LocalRuntime.start(settings)) {
      topic = SharedBrokerIT.createTopic(asCluster(runtime));
      Map<String, Object> config = SharedRuntime.clientConfig(runtime);
      config.put(ProducerConfig.ACKS_CONFIG, "all");
      try (var producer = new KafkaProducer<>(config, new StringSerializer(), new StringSerializer())) {
        producer.send(new ProducerRecord<>(topic, "k", "kept")).get(30, TimeUnit.SECONDS);
      }
      schemaId = registerSchema(runtime, topic + "-value");
    }
    try (LocalRuntime restarted = LocalRuntime.start(settings)) {
      assertThat(SharedBrokerIT.readCommitted(asCluster(restarted), topic, 1)).containsExactly("kept");
      HttpResponse<String> schema =
          get(restarted.schemaRegistryUrl() + "/schemas/ids/" + schemaId);
      assertThat(schema.statusCode()).isEqualTo(200);
      assertThat(schema.body()).contains("\\\"name\\\":\\\"R\\\"");
      assertThat(registerSchema(restarted, topic + "-value")).isEqualTo(schemaId);
    }
  }

  @Test
  void aServiceKilledUnderItIsStartedAgainOnItsDataAndOneThatKeepsDyingIsGivenUp() throws Exception {
    RuntimeSettings settings = TestRuntimes.settings(dataDirectory);
    // Restarts after 0.1, 0.2, 0.4 ... s instead of 1, 2, 4 ... s: the same restarts, 28 s sooner.
    System.setProperty(io.hashstream.runtime.internal.Supervisor.FIRST_DELAY_PROPERTY, "100");
    try (LocalRuntime runtime = LocalRuntime.start(settings)) {
      CompletableFuture<String> lost = new CompletableFuture<>();
      runtime.onServiceLost(lost::complete);
      String topic = SharedBrokerIT.createTopic(asCluster(runtime));
      int schemaId = registerSchema(runtime, topic + "-value");

      long broker = kill(runtime.brokerPid());
      long registry = kill(runtime.registryPid());
      awaitAnother(runtime::brokerPid, broker, Duration.ofMinutes(2));
      awaitAnother(runtime::registryPid, registry, Duration.ofMinutes(2));
      // Back on the same data: the topic takes records, the schema keeps its id.
      Map<String, Object> config = SharedRuntime.clientConfig(runtime);
      config.put(ProducerConfig.ACKS_CONFIG, "all");
      config.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 120_000);
      try (var producer = new KafkaProducer<>(config, new StringSerializer(), new StringSerializer())) {
        producer.send(new ProducerRecord<>(topic, "k", "after the restart")).get(2, TimeUnit.MINUTES);
      }
      assertThat(SharedBrokerIT.readCommitted(asCluster(runtime), topic, 1)).containsExactly("after the restart");
      await()
          .atMost(Duration.ofMinutes(2))
          .ignoreExceptions()
          .until(() -> get(runtime.schemaRegistryUrl() + "/schemas/ids/" + schemaId).statusCode() == 200);

      // The broker killed again as soon as each restart begins: the first kill above was restart 1
      // of 5 in the window, so the fifth kill from here is the one given up.
      int kills = 0;
      long current = 0;
      while (!lost.isDone()) {
        long previous = current;
        await()
            .atMost(Duration.ofMinutes(1))
            .until(() -> lost.isDone() || runtime.brokerPid().orElse(previous) != previous);
        if (!lost.isDone()) {
          current = kill(runtime.brokerPid().orElse(previous));
          kills++;
        }
      }
      assertThat(kills).isEqualTo(5);
      assertThat(lost.get())
          .startsWith("the Kafka broker of the local runtime exited with status 137 again after 5 restarts within 10 minutes (its logs are in ");
    } finally {
      System.clearProperty(io.hashstream.runtime.internal.Supervisor.FIRST_DELAY_PROPERTY);
    }
  }

  /** SIGKILL of the service's current process; returns its pid. */
  private static long kill(OptionalLong pid) {
    return kill(pid.orElseThrow());
  }

  private static long kill(long pid) {
    ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
    return pid;
  }

  /** Waits for the service to run a process other than {@code previous} (it is empty meanwhile). */
  private static void awaitAnother(Supplier<OptionalLong> pid, long previous, Duration timeout) {
    await().atMost(timeout).until(() -> pid.get().orElse(previous) != previous);
  }

  @Test
  void refusesAPortInUseNamingIt() throws Exception {
    RuntimeSettings settings = TestRuntimes.settings(dataDirectory);
    try (ServerSocket taken = new ServerSocket()) {
      taken.bind(new InetSocketAddress(InetAddress.getByAddress(new byte[] {127, 0, 0, 1}), settings.kafkaPort()));
      assertThatThrownBy(() -> LocalRuntime.start(settings))
          .isInstanceOfSatisfying(
              LocalRuntimeException.PortInUse.class,
              e -> {
                assertThat(e.port()).isEqualTo(settings.kafkaPort());
                assertThat(e.role()).isEqualTo(PortRole.KAFKA);
              })
          .hasMessage(
              "port " + settings.kafkaPort() + " for the Kafka broker is already in use on 127.0.0.1");
    }
    // The refused start released the data directory: the next start may take it.
    assertThat(dataDirectory.resolve("runtime.lock")).exists();
    try (var directory = io.hashstream.runtime.internal.DataDirectory.lock(dataDirectory)) {
      assertThat(directory.root()).isEqualTo(dataDirectory);
    }
  }

  static int registerSchema(LocalRuntime runtime, String subject) throws Exception {
    try (HttpClient http = HttpClient.newHttpClient()) {
      HttpRequest request =
          HttpRequest.newBuilder(URI.create(runtime.schemaRegistryUrl() + "/subjects/" + subject + "/versions"))
              .header("Content-Type", "application/vnd.schemaregistry.v1+json")
              .POST(HttpRequest.BodyPublishers.ofString(SCHEMA))
              .build();
      HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
      assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
      return Integer.parseInt(response.body().replaceAll("\\D+", ""));
    }
  }

  static HttpResponse<String> get(String url) throws Exception {
    try (HttpClient http = HttpClient.newHttpClient()) {
      return http.send(HttpRequest.newBuilder(URI.create(url)).GET().build(), HttpResponse.BodyHandlers.ofString());
    }
  }

  static TestCluster asCluster(LocalRuntime runtime) {
    return new TestCluster() {
      @Override
      public String bootstrapServers() {
        return runtime.bootstrapServers();
      }

      @Override
      public String schemaRegistryUrl() {
        return runtime.schemaRegistryUrl();
      }
    };
  }
}
