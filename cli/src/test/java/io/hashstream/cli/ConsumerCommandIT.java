package io.hashstream.cli;

import static org.assertj.core.api.Assertions.assertThat;

import static org.awaitility.Awaitility.await;

import io.hashstream.consumer.EventWriter;
import io.hashstream.consumer.Tables;
import io.hashstream.schemas.avro.ChangeKind;
import io.hashstream.testsupport.FreePorts;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import io.hashstream.testsupport.SharedRuntime;
import io.hashstream.testsupport.TestCluster;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** The consumer's start-up errors, as a user meets them: one line, a non-zero exit. */
@ExtendWith(SharedRuntime.class)
class ConsumerCommandIT {
  @TempDir Path work;
  @TempDir Path root;

  @Test
  void anUnknownRootDegradesHealthAndTheMetricsShowItWithLag(TestCluster cluster) throws Exception {
    String[] topics = Tables.freshTopics(cluster, 1);
    try (EventWriter events = new EventWriter(cluster, topics[0])) {
      events.send("elsewhere/x.txt", events.builder("elsewhere", "x.txt", ChangeKind.FOUND).build());
    }
    int port = FreePorts.allocate(1)[0];
    try (LauncherProcess consumer =
            LauncherProcess.start(
                work,
                "consumer",
                "--bootstrap-servers", cluster.bootstrapServers(),
                "--schema-registry", cluster.schemaRegistryUrl(),
                "--events-topic", topics[0],
                "--hashes-topic", topics[1],
                "--group", "health-" + topics[1],
                "--instance-id", "health",
                "--hashing-threads", "3",
                "--metrics-port", Integer.toString(port),
                "--root", "t=" + root);
        HttpClient http = HttpClient.newHttpClient()) {
      await()
          .atMost(Duration.ofMinutes(2))
          .failFast("the consumer exited", () -> !consumer.process().isAlive())
          .ignoreExceptionsInstanceOf(java.net.ConnectException.class)
          .until(() -> get(http, port, "/health").body().contains("degraded"));
      HttpResponse<String> health = get(http, port, "/health");
      assertThat(health.statusCode()).isEqualTo(200);
      assertThat(health.body()).contains("no --root");
      String metrics = get(http, port, "/metrics").body();
      assertThat(metrics)
          .contains("hashstream_consumer_events_unknown_root_total{instance=\"health\"} 1.0")
          .contains("hashstream_consumer_partitions_paused{instance=\"health\"} 1.0")
          .contains("kafka_consumer_fetch_manager_records_lag");
      assertThat(consumer.stderr()).contains("by 3 hashing threads");
    }
  }

  @Test
  void aBadOptionValueIsAUsageError() throws Exception {
    try (LauncherProcess consumer =
        LauncherProcess.start(work, "consumer", "--root", "t=" + root, "--unknown-roots", "ignore")) {
      assertThat(consumer.awaitExit(Duration.ofMinutes(1))).isEqualTo(2);
      assertThat(consumer.stderr()).contains("'ignore' is not hold or dead-letter");
    }
    try (LauncherProcess consumer =
        LauncherProcess.start(work, "consumer", "--root", "t=" + root, "--hashing-threads", "0")) {
      assertThat(consumer.awaitExit(Duration.ofMinutes(1))).isEqualTo(2);
      assertThat(consumer.stderr()).contains("the hashing threads must be between 1 and 256, not 0");
    }
  }

  private static HttpResponse<String> get(HttpClient http, int port, String path) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void aBrokerUnreachableAtStartIsOneLineAndTheConsumerWaitsForIt() throws Exception {
    String broker = "127.0.0.1:" + FreePorts.allocate(1)[0];
    try (LauncherProcess consumer =
        LauncherProcess.start(
            work, "consumer", "--bootstrap-servers", broker, "--instance-id", "no-broker", "--root", "t=" + root)) {
      await()
          .atMost(Duration.ofMinutes(1))
          .until(() -> consumer.stderr().contains("Kafka at " + broker + " does not answer"));
      // Its clients retry many times a second meanwhile; the user reads one line, not a hundred.
      await()
          .during(Duration.ofSeconds(15))
          .atMost(Duration.ofSeconds(20))
          .until(() -> consumer.process().isAlive() && consumer.stderr().lines().count() == 1);
      consumer.process().destroy();
      assertThat(consumer.awaitExit(Duration.ofMinutes(1))).isZero();
      assertThat(consumer.stderr().lines().toList())
          .as(consumer.stderr())
          .hasSize(2)
          .last()
          .asString()
          .contains("stopping (SIGTERM)");
    }
  }
}
