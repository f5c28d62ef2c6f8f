package io.hashstream.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hashstream.consumer.HashTable;
import io.hashstream.consumer.Tables;
import io.hashstream.schemas.avro.HashResult;
import io.hashstream.schemas.avro.HashStatus;
import io.hashstream.testsupport.LoopVolume;
import io.hashstream.testsupport.SharedRuntime;
import io.hashstream.testsupport.TestCluster;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code hashstream verify} as an operator runs it, after the real producer and consumer made the
 * table of a tree and stopped: a change with its modification time put back is the table behind,
 * a block rewritten beneath the file system is drift, the byte rate holds, and an empty root is
 * not reported all gone.
 */
@ExtendWith(SharedRuntime.class)
class VerifyCommandIT {
  private static final Duration DEADLINE = Duration.ofMinutes(2);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int BIG_FILES = 20;
  private static final int BIG_SIZE = 5 << 20;

  @TempDir Path temp;

  @Test
  void aChangeWithItsTimeRestoredIsTheTableBehindAndTheRateHolds(TestCluster cluster) throws Exception {
    Path tree = Files.createDirectories(temp.resolve("tree"));
    Random random = new Random(22);
    for (int i = 0; i < BIG_FILES; i++) {
      byte[] content = new byte[BIG_SIZE];
      random.nextBytes(content);
      Files.createDirectories(tree.resolve("data"));
      Files.write(tree.resolve("data/f" + i), content);
    }
    Files.writeString(tree.resolve("edited.txt"), "the content the table saw");
    Files.writeString(tree.resolve("removed.txt"), "gone soon");
    String[] topics = Tables.freshTopics(cluster, 2);
    tableOf(cluster, topics, tree);

    // With the pipeline stopped: same size, the old modification time put back; the ctime moves.
    Path edited = tree.resolve("edited.txt");
    FileTime modified = Files.getLastModifiedTime(edited);
    Files.writeString(edited, "THE CONTENT THE TABLE SAW");
    Files.setLastModifiedTime(edited, modified);
    Files.delete(tree.resolve("removed.txt"));
    Files.writeString(tree.resolve("added.txt"), "never seen by the pipeline");

    long rate = 5L << 20;
    Run run = verify(cluster, topics, "--root", "t=" + tree, "--max-bytes-per-second", Long.toString(rate));
    assertThat(run.exit()).as(run.stderr()).isEqualTo(VerifyCommand.TABLE_UNTRUE);
    assertThat(run.findings()).containsOnlyKeys("t/edited.txt", "t/removed.txt", "t/added.txt");
    assertThat(run.finding("t/edited.txt").get("verdict").asText()).isEqualTo("tableBehind");
    assertThat(run.finding("t/edited.txt").get("detail").asText()).contains("status changed");
    assertThat(run.finding("t/removed.txt").get("verdict").asText()).isEqualTo("goneFromTree");
    assertThat(run.finding("t/added.txt").get("verdict").asText()).isEqualTo("missingFromTable");
    JsonNode summary = run.summary();
    assertThat(summary.get("verified").asLong()).isEqualTo(BIG_FILES);
    assertThat(summary.get("drift").asLong()).isZero();
    long bytes = summary.get("bytesRead").asLong();
    assertThat(bytes).isEqualTo((long) BIG_FILES * BIG_SIZE);
    // Read at no more than 10% over the rate: 100 MiB at 5 MiB/s is about 20 s.
    assertThat(summary.get("seconds").asDouble()).isGreaterThanOrEqualTo(bytes / (1.1 * rate));

    Run sampled = verify(cluster, topics, "--root", "t=" + tree, "--sample", "25", "--seed", "7");
    JsonNode part = sampled.summary();
    assertThat(part.get("notSampled").asLong()).isPositive();
    assertThat(part.get("verified").asLong() + part.get("notSampled").asLong()).isEqualTo(BIG_FILES);
    assertThat(part.get("seed").asLong()).isEqualTo(7);

    // A root that is empty while the table holds its files (an unmounted volume): no judgement.
    try (Stream<Path> files = Files.walk(tree)) {
      for (Path file : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
        if (!file.equals(tree)) {
          Files.delete(file);
        }
      }
    }
    Run empty = verify(cluster, topics, "--root", "t=" + tree);
    assertThat(empty.exit()).isEqualTo(UserErrors.FAILURE);
    assertThat(empty.stderr()).contains("is empty while the table holds " + (BIG_FILES + 2) + " files of it: is its volume mounted?");
    assertThat(empty.stdout()).isEmpty();
  }

  /**
   * Bit rot, made by hand: a block of a file rewritten in the image of a loop-mounted ext4 while it
   * is unmounted. No time of the file moves, the table's digest is the good content's: drift.
   */
  @Test
  void aBlockRewrittenBeneathTheFileSystemIsDrift(TestCluster cluster) throws Exception {
    LoopVolume.assumeRoot();
    Path mountpoint = Files.createDirectories(temp.resolve("mnt"));
    try (LoopVolume volume = LoopVolume.create(temp.resolve("volume.img"), 32)) {
      volume.mount(mountpoint);
      Path tree = Files.createDirectories(mountpoint.resolve("tree"));
      byte[] content = new byte[64 * 1024];
      new Random(7).nextBytes(content);
      Files.write(tree.resolve("rotting.bin"), content);
      Files.writeString(tree.resolve("sound.txt"), "stays as it was");
      String[] topics = Tables.freshTopics(cluster, 1);
      tableOf(cluster, topics, tree);
      volume.rotFirstBlock(tree.resolve("rotting.bin"), 8);

      Run run = verify(cluster, topics, "--root", "t=" + tree);
      assertThat(run.exit()).as(run.stderr()).isEqualTo(VerifyCommand.TABLE_UNTRUE);
      assertThat(run.findings()).containsOnlyKeys("t/rotting.bin");
      JsonNode drift = run.finding("t/rotting.bin");
      assertThat(drift.get("verdict").asText()).isEqualTo("drift");
      assertThat(drift.get("tableDigest").asText()).isEqualTo(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content)));
      assertThat(drift.get("digest").asText()).isEqualTo(HexFormat.of().formatHex(Tables.sha256(tree.resolve("rotting.bin"))));
      assertThat(run.summary().get("verified").asLong()).isEqualTo(1);
    }
  }

  /**
   * A table behind that the running producer cannot see (a stale result written over the good
   * one, as after events lost on the way): {@code --republish} hands the path to the producer,
   * which publishes it again, and the consumer makes the table true.
   */
  @Test
  void republishHandsTheTableBehindToTheRunningProducer(TestCluster cluster) throws Exception {
    Path tree = Files.createDirectories(temp.resolve("tree"));
    Files.writeString(tree.resolve("a.txt"), "the content");
    Files.writeString(tree.resolve("b.txt"), "other content");
    String[] topics = Tables.freshTopics(cluster, 1);
    Path work = temp.resolve("work");
    int port = io.hashstream.testsupport.FreePorts.allocate(1)[0];
    try (LauncherProcess producer =
            LauncherProcess.start(
                work,
                LauncherProcess.arguments(
                    cluster, topics, "producer", "--root", "t=" + tree, "--settle", "200ms", "--metrics-port", Integer.toString(port)));
        LauncherProcess consumer =
            LauncherProcess.start(
                work, LauncherProcess.arguments(cluster, topics, "consumer", "--root", "t=" + tree, "--group", "verify-" + topics[1]));
        HashTable table = new HashTable(cluster, topics[1])) {
      Map<String, String> expected = treeDigests(tree);
      await().atMost(DEADLINE).untilAsserted(() -> assertThat(digests(table)).isEqualTo(expected));
      HashResult good = java.util.Objects.requireNonNull(table.latest().get("t/a.txt")).value();
      HashResult stale = HashResult.newBuilder(java.util.Objects.requireNonNull(good)).setSize(1L).setDigest(java.nio.ByteBuffer.wrap(new byte[32])).build();
      writeResult(cluster, topics[1], "t/a.txt", stale);
      await().atMost(DEADLINE).until(() -> !digests(table).equals(expected));

      Run run = verify(cluster, topics, "--root", "t=" + tree, "--republish", "http://127.0.0.1:" + port);
      assertThat(run.exit()).as(run.stderr()).isEqualTo(VerifyCommand.TABLE_UNTRUE);
      assertThat(run.finding("t/a.txt").get("verdict").asText()).isEqualTo("tableBehind");
      assertThat(run.stderr()).contains("1 paths handed to the producer");
      await().atMost(DEADLINE).untilAsserted(() -> assertThat(digests(table)).isEqualTo(expected));
      assertThat(verify(cluster, topics, "--root", "t=" + tree).exit()).isZero();
      for (LauncherProcess process : List.of(producer, consumer)) {
        process.process().destroy();
        assertThat(process.awaitExit(Duration.ofSeconds(60))).as(process.stderr()).isZero();
      }
    }
  }

  private static void writeResult(TestCluster cluster, String topic, String key, HashResult value) throws Exception {
    Map<String, Object> config = new HashMap<>(cluster.clientConfig());
    try (org.apache.kafka.clients.producer.KafkaProducer<String, HashResult> producer =
        new org.apache.kafka.clients.producer.KafkaProducer<>(
            config,
            new org.apache.kafka.common.serialization.StringSerializer(),
            new io.hashstream.schemas.serde.AvroSerializer<HashResult>(
                Map.of(io.hashstream.schemas.serde.SerdeConfig.SCHEMA_REGISTRY_URL, cluster.schemaRegistryUrl()), false))) {
      producer.send(new org.apache.kafka.clients.producer.ProducerRecord<>(topic, key, value)).get();
    }
  }

  private static Map<String, String> treeDigests(Path tree) throws Exception {
    Map<String, String> expected = new HashMap<>();
    try (Stream<Path> files = Files.walk(tree)) {
      for (Path file : files.filter(Files::isRegularFile).toList()) {
        expected.put("t/" + tree.relativize(file), HexFormat.of().formatHex(Tables.sha256(file)));
      }
    }
    return expected;
  }

  /** Runs the producer and a consumer until the table is the tree's, then stops them. */
  private void tableOf(TestCluster cluster, String[] topics, Path tree) throws Exception {
    Path work = temp.resolve("work");
    Map<String, String> expected = treeDigests(tree);
    try (LauncherProcess producer =
            LauncherProcess.start(
                work, LauncherProcess.arguments(cluster, topics, "producer", "--root", "t=" + tree, "--settle", "200ms"));
        LauncherProcess consumer =
            LauncherProcess.start(
                work,
                LauncherProcess.arguments(cluster, topics, "consumer", "--root", "t=" + tree, "--group", "verify-" + topics[1]));
        HashTable table = new HashTable(cluster, topics[1])) {
      await()
          .atMost(DEADLINE)
          .failFast(() -> {
            for (LauncherProcess process : List.of(producer, consumer)) {
              if (!process.process().isAlive()) {
                throw new AssertionError("a process exited: " + process.stderr());
              }
            }
          })
          .untilAsserted(() -> assertThat(digests(table)).isEqualTo(expected));
      for (LauncherProcess process : List.of(producer, consumer)) {
        process.process().destroy();
        assertThat(process.awaitExit(Duration.ofSeconds(60))).as(process.stderr()).isZero();
      }
    }
  }

  private static Map<String, String> digests(HashTable table) {
    table.poll();
    Map<String, String> digests = new HashMap<>();
    table.latest().forEach((key, entry) -> {
      HashResult value = entry.value();
      if (value != null && value.getStatus() == HashStatus.HASHED && value.getDigest() != null) {
        digests.put(key, HexFormat.of().formatHex(Tables.bytes(value.getDigest())));
      }
    });
    return digests;
  }

  private Run verify(TestCluster cluster, String[] topics, String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of("verify"));
    command.addAll(List.of(args));
    command.addAll(
        List.of(
            "--bootstrap-servers", cluster.bootstrapServers(),
            "--schema-registry", cluster.schemaRegistryUrl(),
            "--hashes-topic", topics[1]));
    try (LauncherProcess verify = LauncherProcess.start(temp.resolve("work"), command.toArray(String[]::new))) {
      int exit = verify.awaitExit(DEADLINE);
      // The stdout reader may still be taking the last lines after the exit.
      await().atMost(Duration.ofSeconds(10)).until(() -> exit == UserErrors.FAILURE || verify.stdout().stream().anyMatch(line -> line.startsWith("{\"summary\"")));
      return new Run(exit, verify.stdout(), verify.stderr());
    }
  }

  private record Run(int exit, List<String> stdout, String stderr) {
    Map<String, JsonNode> findings() throws Exception {
      Map<String, JsonNode> findings = new HashMap<>();
      for (String line : stdout) {
        JsonNode node = JSON.readTree(line);
        if (node.has("key")) {
          findings.put(node.get("key").asText(), node);
        }
      }
      return findings;
    }

    JsonNode finding(String key) throws Exception {
      JsonNode node = findings().get(key);
      assertThat(node).as(key + " in " + stdout).isNotNull();
      return java.util.Objects.requireNonNull(node);
    }

    JsonNode summary() throws Exception {
      for (String line : stdout) {
        JsonNode node = JSON.readTree(line);
        if (node.has("summary")) {
          return node.get("summary");
        }
      }
      throw new AssertionError("no summary line in " + stdout + "\n" + stderr);
    }
  }
}
