package io.hashstream.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hashstream.consumer.ConsumerSettings;
import io.hashstream.consumer.EventWriter;
import io.hashstream.consumer.HashTable;
import io.hashstream.consumer.HashingConsumer;
import io.hashstream.consumer.Tables;
import io.hashstream.schemas.avro.ChangeKind;
import io.hashstream.testsupport.FreePorts;
import io.hashstream.testsupport.SharedRuntime;
import io.hashstream.testsupport.TestCluster;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** {@code hashstream tail} as a user runs it, against a table the real consumer wrote. */
@ExtendWith(SharedRuntime.class)
class TailCommandIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  @TempDir Path work;
  @TempDir Path root;

  @Test
  void printsTheTableAsJsonLines(TestCluster cluster) throws Exception {
    String[] topics = Tables.freshTopics(cluster, 2);
    Files.writeString(root.resolve("kept.txt"), "kept");
    Files.writeString(root.resolve("-gone file"), "gone");
    Map<String, List<Long>> expected = new java.util.HashMap<>();
    try (EventWriter events = new EventWriter(cluster, topics[0])) {
      expected.put("t/kept.txt", List.of(events.send("t", root, "kept.txt", ChangeKind.FOUND).offset()));
      long found = events.send("t", root, "-gone file", ChangeKind.FOUND).offset();
      Files.delete(root.resolve("-gone file"));
      long deleted = events.send("t", root, "-gone file", ChangeKind.DELETED).offset();
      expected.put("t/-gone file", List.of(found, deleted));
    }
    ConsumerSettings settings =
        ConsumerSettings.of(cluster.bootstrapServers(), cluster.schemaRegistryUrl(), "tail", Map.of("t", root))
            .withGroup("group-" + topics[1])
            .withTopics(topics[0], topics[1]);
    HashingConsumer consumer = HashingConsumer.create(settings, new SimpleMeterRegistry());
    Thread poll = Thread.ofPlatform().start(() -> {
      try {
        consumer.run();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    });
    try (HashTable table = new HashTable(cluster, topics[1])) {
      // The two events of the gone file may be answered by one tombstone.
      await().atMost(Duration.ofMinutes(2)).until(() -> Tables.allAnswered(table.poll(), expected));
    } finally {
      consumer.stop();
      poll.join();
      consumer.close();
    }

    String[] common = {
      "--bootstrap-servers", cluster.bootstrapServers(),
      "--schema-registry", cluster.schemaRegistryUrl(),
      "--hashes-topic", topics[1]
    };
    try (LauncherProcess latest = LauncherProcess.start(work, concat(new String[] {"tail", "--latest"}, common))) {
      assertThat(latest.awaitExit(Duration.ofMinutes(1))).as(latest.stderr()).isZero();
      List<String> lines = latest.stdout();
      assertThat(lines).hasSize(1);
      JsonNode kept = JSON.readTree(lines.get(0));
      assertThat(kept.get("key").asText()).isEqualTo("t/kept.txt");
      assertThat(kept.get("status").asText()).isEqualTo("HASHED");
      assertThat(kept.get("digest").asText())
          .isEqualTo(HexFormat.of().formatHex(Tables.sha256(root.resolve("kept.txt"))));
      assertThat(kept.get("source").get("topic").asText()).isEqualTo(topics[0]);
    }
    int metricsPort = io.hashstream.testsupport.FreePorts.allocate(1)[0];
    String[] followArgs = {"tail", "--from-beginning", "--metrics-port", Integer.toString(metricsPort)};
    try (LauncherProcess follow = LauncherProcess.start(work, concat(followArgs, common))) {
      follow.awaitLine(line -> line.contains("\"deleted\":true"), Duration.ofMinutes(1));
      assertThat(follow.stdout()).contains("{\"key\":\"t/-gone file\",\"deleted\":true}");
      try (java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient()) {
        var health =
            http.send(
                java.net.http.HttpRequest.newBuilder(
                        java.net.URI.create("http://127.0.0.1:" + metricsPort + "/health"))
                    .build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(health.statusCode()).isEqualTo(200);
        assertThat(health.body()).isEqualTo("{\"status\":\"ready\"}");
        var metrics =
            http.send(
                java.net.http.HttpRequest.newBuilder(
                        java.net.URI.create("http://127.0.0.1:" + metricsPort + "/metrics"))
                    .build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(metrics.body()).contains("jvm_memory_used_bytes");
      }
      follow.process().destroy();
      assertThat(follow.awaitExit(Duration.ofSeconds(30))).isZero();
    }
  }

  private static String[] concat(String[] first, String[] second) {
    return java.util.stream.Stream.concat(java.util.Arrays.stream(first), java.util.Arrays.stream(second))
        .toArray(String[]::new);
  }

  @Test
  void anUnreachableBrokerIsOneLine() throws Exception {
    String broker = "127.0.0.1:" + FreePorts.allocate(1)[0];
    try (LauncherProcess tail = LauncherProcess.start(work, "tail", "--latest", "--bootstrap-servers", broker)) {
      assertThat(tail.awaitExit(Duration.ofMinutes(2))).isEqualTo(1);
      assertThat(tail.stderr().lines().toList())
          .as(tail.stderr())
          .containsExactly(
              "hashstream: cannot reach Kafka at "
                  + broker
                  + " within 30 s: is the broker running? ('hashstream local' starts one;"
                  + " --bootstrap-servers chooses another)");
    }
  }
}
