package io.hashstream.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hashstream.consumer.HashTable;
import io.hashstream.consumer.Tables;
import io.hashstream.testsupport.SharedRuntime;
import io.hashstream.testsupport.TestCluster;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The downstream reader of {@code examples/node-reader} (kafkajs and Confluent's JavaScript serde)
 * against what the real producer and consumer wrote: its view of the hash topic must be the tree,
 * SHA-256 for SHA-256, with a deleted file gone (a tombstone) and a nanosecond modification time
 * read exactly (above 2^53, where a JavaScript number would round it); then, following, it must print
 * a new file's digest and a deletion as they are committed.
 */
@ExtendWith(SharedRuntime.class)
class NodeReaderIT {
  private static final Path EXAMPLE = Path.of("..", "examples", "node-reader").toAbsolutePath().normalize();
  /** npm ci once per build directory: the lock file's copy there says what is installed. */
  private static final Path INSTALLED = Path.of("target", "node-reader").toAbsolutePath();
  private static final Duration DEADLINE = Duration.ofMinutes(2);
  private static final Instant NANOSECOND_TIME = Instant.ofEpochSecond(1_764_000_000L, 123_456_789);

  @TempDir Path work;
  @TempDir Path tree;

  @Test
  void theNodeReadersViewIsTheTree(TestCluster cluster) throws Exception {
    assumeThat(runs("node", "--version") && runs("npm", "--version"))
        .as("node and npm are not installed: the Node.js example is not run")
        .isTrue();
    // npm ci downloads; it runs while the pipeline does.
    Process install = install();

    String[] topics = Tables.freshTopics(cluster, 2);
    Random random = new Random(23);
    for (String name : List.of("a.txt", "ünïcödé/日本.bin", "deep/er/file", "empty", "to-delete")) {
      byte[] content = new byte[name.equals("empty") ? 0 : 1 + random.nextInt(50_000)];
      random.nextBytes(content);
      Files.createDirectories(tree.resolve(name).getParent());
      Files.write(tree.resolve(name), content);
    }
    Files.setLastModifiedTime(tree.resolve("a.txt"), FileTime.from(NANOSECOND_TIME));

    try (LauncherProcess producer =
            LauncherProcess.start(
                work, LauncherProcess.arguments(cluster, topics, "producer", "--root", "t=" + tree, "--producer-id", "node", "--settle", "200ms"));
        LauncherProcess consumer =
            LauncherProcess.start(
                work, LauncherProcess.arguments(cluster, topics, "consumer", "--root", "t=" + tree, "--instance-id", "node-1", "--group", "node-" + topics[1]));
        HashTable table = new HashTable(cluster, topics[1])) {
      await().atMost(DEADLINE).until(() -> table.poll().size() >= 5);
      Files.delete(tree.resolve("to-delete"));
      await()
          .atMost(DEADLINE)
          .failFast("a process exited", () -> !producer.process().isAlive() || !consumer.process().isAlive())
          .until(
              () -> {
                table.poll();
                HashTable.Entry gone = table.latest().get("t/to-delete");
                return gone != null && gone.tombstone();
              });

      assertThat(install.waitFor(3, TimeUnit.MINUTES)).as("npm ci within 3 minutes").isTrue();
      assertThat(install.exitValue()).as(Files.readString(work.resolve("npm.log"))).isZero();
      Files.copy(EXAMPLE.resolve("package-lock.json"), INSTALLED.resolve("installed-lock.json"), StandardCopyOption.REPLACE_EXISTING);

      JsonNode view = new ObjectMapper().readTree(readOnce(cluster, topics[1]));
      Map<String, String> digests = new HashMap<>();
      view.properties().forEach(entry -> digests.put(entry.getKey(), entry.getValue().path("digest").asText()));
      assertThat(digests).isEqualTo(expectedDigests());
      long nanos = NANOSECOND_TIME.getEpochSecond() * 1_000_000_000L + NANOSECOND_TIME.getNano();
      assertThat(view.path("t/a.txt").path("modified").asText()).isEqualTo(Long.toString(nanos));
      assertThat(view.path("t/a.txt").path("status").asText()).isEqualTo("HASHED");

      // Follow mode: after the end, each change is a line.
      Process follower = node(cluster, topics[1], "follow");
      try {
        await().atMost(DEADLINE).until(() -> Files.readString(work.resolve("follow.err")).contains("following"));
        Files.writeString(tree.resolve("late.txt"), "late");
        Files.delete(tree.resolve("a.txt"));
        String late = HexFormat.of().formatHex(Tables.sha256(tree.resolve("late.txt")));
        await()
            .atMost(DEADLINE)
            .untilAsserted(
                () ->
                    assertThat(Files.readAllLines(work.resolve("follow.out")))
                        .anyMatch(line -> line.contains("\"key\":\"t/late.txt\"") && line.contains(late))
                        .contains("{\"key\":\"t/a.txt\",\"deleted\":true}"));
      } finally {
        follower.destroy();
      }
      for (LauncherProcess process : List.of(producer, consumer)) {
        process.process().destroy();
        assertThat(process.awaitExit(Duration.ofSeconds(60))).as(process.stderr()).isZero();
      }
    }
  }

  private Map<String, String> expectedDigests() throws Exception {
    Map<String, String> expected = new HashMap<>();
    try (Stream<Path> files = Files.walk(tree)) {
      for (Path file : files.filter(Files::isRegularFile).toList()) {
        expected.put("t/" + tree.relativize(file), HexFormat.of().formatHex(Tables.sha256(file)));
      }
    }
    return expected;
  }

  /** Starts {@code npm ci} in a copy of the example under target/, or nothing if it is there. */
  private Process install() throws IOException {
    Files.createDirectories(INSTALLED);
    for (String file : List.of("package.json", "package-lock.json", "reader.js")) {
      Files.copy(EXAMPLE.resolve(file), INSTALLED.resolve(file), StandardCopyOption.REPLACE_EXISTING);
    }
    Path marker = INSTALLED.resolve("installed-lock.json");
    List<String> command =
        Files.exists(marker) && Files.mismatch(marker, EXAMPLE.resolve("package-lock.json")) == -1
            ? List.of("true")
            // --ignore-scripts: nothing the example needs runs at install time (lz4-napi's binary
            // is an optional dependency per platform).
            : List.of("npm", "ci", "--ignore-scripts", "--no-audit", "--no-fund");
    return new ProcessBuilder(command)
        .directory(INSTALLED.toFile())
        .redirectErrorStream(true)
        .redirectOutput(work.resolve("npm.log").toFile())
        .start();
  }

  /** The reader's view of {@code topic}, as it prints it with {@code --once}. */
  private String readOnce(TestCluster cluster, String topic) throws Exception {
    Process reader = node(cluster, topic, "once", "--once");
    try {
      assertThat(reader.waitFor(60, TimeUnit.SECONDS))
          .as("the reader read to the end within 60 s: %s", Files.readString(work.resolve("once.err")))
          .isTrue();
    } finally {
      reader.destroyForcibly();
    }
    assertThat(reader.exitValue()).as(Files.readString(work.resolve("once.err"))).isZero();
    return Files.readString(work.resolve("once.out"), StandardCharsets.UTF_8);
  }

  /** Starts the reader on {@code topic}; its stdout and stderr go to NAME.out and NAME.err. */
  private Process node(TestCluster cluster, String topic, String name, String... options) throws IOException {
    List<String> command =
        new ArrayList<>(
            List.of(
                "node", "reader.js",
                "--bootstrap-servers", cluster.bootstrapServers(),
                "--schema-registry", cluster.schemaRegistryUrl(),
                "--topic", topic));
    command.addAll(List.of(options));
    return new ProcessBuilder(command)
        .directory(INSTALLED.toFile())
        .redirectOutput(work.resolve(name + ".out").toFile())
        .redirectError(work.resolve(name + ".err").toFile())
        .start();
  }

  private static boolean runs(String... command) {
    try {
      Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
      return process.waitFor(30, TimeUnit.SECONDS) && process.exitValue() == 0;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }
}
