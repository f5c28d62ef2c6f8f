package io.hashstream.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.hashstream.consumer.Tables;
import io.hashstream.testsupport.FreePorts;
import io.hashstream.testsupport.SharedRuntime;
import io.hashstream.testsupport.TestCluster;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The delete threshold as an operator meets it: most of a root gone at once makes {@code /health}
 * degraded naming the held deletes, nothing is published, and {@code POST
 * /roots/<root>/confirm-deletes} on the metrics port publishes them.
 */
@ExtendWith(SharedRuntime.class)
class HeldDeletesCommandIT {
  private static final Duration DEADLINE = Duration.ofMinutes(1);
  private static final int FILES = 6;

  @TempDir Path temp;

  @Test
  void heldDeletesShowInHealthAndAreConfirmedOverHttp(TestCluster cluster) throws Exception {
    Path tree = Files.createDirectories(temp.resolve("tree"));
    for (int i = 0; i < FILES; i++) {
      Files.createDirectories(tree.resolve("data"));
      Files.writeString(tree.resolve("data/f" + i), "file " + i);
    }
    Files.writeString(tree.resolve("kept.txt"), "stays");
    int port = FreePorts.allocate(1)[0];
    try (LauncherProcess producer = startProducer(cluster, tree, port, "--delete-threshold", "3");
        HttpClient http = HttpClient.newHttpClient()) {
      await().atMost(DEADLINE).ignoreExceptions().until(() -> published(http, port, "FOUND") == FILES + 1);
      assertThat(get(http, port, "/health").body()).contains("\"ready\"");

      Files.move(tree.resolve("data"), temp.resolve("data-moved-away"));
      awaitDegraded(http, port, "root t: " + FILES + " deletes held");
      assertThat(published(http, port, "DELETED")).isZero();

      HttpResponse<String> confirm =
          http.send(
              HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/roots/t/confirm-deletes"))
                  .POST(HttpRequest.BodyPublishers.noBody())
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(confirm.statusCode()).isEqualTo(202);
      await().atMost(DEADLINE).until(() -> published(http, port, "DELETED") == FILES);
      assertThat(get(http, port, "/health").body()).contains("\"ready\"");
      assertThat(producer.process().isAlive()).isTrue();
    }
  }

  /** A root whose directory goes away is held: {@code /health} names it, nothing is deleted. */
  @Test
  void aRootThatGoesAwayIsHeldAndNamedInHealth(TestCluster cluster) throws Exception {
    Path tree = Files.createDirectories(temp.resolve("tree"));
    Files.writeString(tree.resolve("a.txt"), "a");
    Files.writeString(tree.resolve("b.txt"), "b");
    int port = FreePorts.allocate(1)[0];
    try (LauncherProcess producer = startProducer(cluster, tree, port);
        HttpClient http = HttpClient.newHttpClient()) {
      await().atMost(DEADLINE).ignoreExceptions().until(() -> published(http, port, "FOUND") == 2);

      Files.move(tree, temp.resolve("away"));
      awaitDegraded(http, port, "root t is held: its directory is missing");
      assertThat(get(http, port, "/metrics").body()).contains("hashstream_producer_roots_held 1.0");

      Files.move(temp.resolve("away"), tree);
      await().atMost(DEADLINE).untilAsserted(() -> assertThat(get(http, port, "/health").body()).contains("\"ready\""));
      assertThat(published(http, port, "DELETED")).as("no delete for a root that went away").isZero();
      assertThat(producer.process().isAlive()).isTrue();
    }
  }

  /** {@code hashstream producer} on root {@code t} with metrics on {@code port}, and {@code more}. */
  private LauncherProcess startProducer(TestCluster cluster, Path tree, int port, String... more) throws Exception {
    List<String> args =
        new ArrayList<>(
            List.of("--root", "t=" + tree, "--settle", "200ms", "--metrics-port", Integer.toString(port)));
    args.addAll(List.of(more));
    return LauncherProcess.start(
        Files.createDirectories(temp.resolve("work")),
        LauncherProcess.arguments(cluster, Tables.freshTopics(cluster, 1), "producer", args.toArray(String[]::new)));
  }

  private static void awaitDegraded(HttpClient http, int port, String why) {
    await()
        .atMost(DEADLINE)
        .untilAsserted(() -> assertThat(get(http, port, "/health").body()).contains("\"degraded\"").contains(why));
  }

  /** The producer's counter of acknowledged events of {@code kind}, from its Prometheus endpoint. */
  private static long published(HttpClient http, int port, String kind) throws Exception {
    Matcher matcher =
        Pattern.compile("hashstream_producer_events_published_total\\{[^}]*kind=\"" + kind + "\"[^}]*} ([0-9.E]+)")
            .matcher(get(http, port, "/metrics").body());
    return matcher.find() ? (long) Double.parseDouble(matcher.group(1)) : 0;
  }

  private static HttpResponse<String> get(HttpClient http, int port, String path) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
