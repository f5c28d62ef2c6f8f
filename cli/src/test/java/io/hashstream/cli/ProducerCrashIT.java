package io.hashstream.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.hashstream.consumer.HashTable;
import io.hashstream.consumer.Tables;
import io.hashstream.schemas.avro.HashResult;
import io.hashstream.schemas.avro.HashStatus;
import io.hashstream.testsupport.SharedRuntime;
import io.hashstream.testsupport.TestCluster;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The producer as a process killed (SIGKILL) while it writes its saved index: files change all the
 * time, so every moment has acknowledgements being journaled. Each restart starts from what the
 * kill left (the last complete index, or one found damaged and rebuilt from the table), and at the
 * end the table, as the real consumer wrote it, says the truth about every file: nothing missing,
 * nothing stale, nothing for a file that is gone.
 */
@ExtendWith(SharedRuntime.class)
class ProducerCrashIT {
  private static final Duration DEADLINE = Duration.ofMinutes(2);

  @TempDir Path work;
  @TempDir Path tree;
  @TempDir Path state;

  @Test
  void aProducerKilledWhileItSavesItsIndexRestartsAndTheTableEndsTrue(TestCluster cluster) throws Exception {
    String[] topics = Tables.freshTopics(cluster, 3);
    Random random = new Random(20261204);
    for (int i = 0; i < 300; i++) {
      mutate(random, i);
    }
    String[] producer =
        LauncherProcess.arguments(
            cluster, topics, "producer", "--root", "t=" + tree, "--state-dir", state.toString(), "--settle", "100ms");
    String[] consumer =
        LauncherProcess.arguments(cluster, topics, "consumer", "--group", "crash-" + topics[1], "--root", "t=" + tree);
    try (LauncherProcess hashing = LauncherProcess.start(work, consumer)) {
      // The consumer makes the hash table: a reader subscribed before would not see it for minutes.
      try (org.apache.kafka.clients.admin.Admin admin = org.apache.kafka.clients.admin.Admin.create(cluster.clientConfig())) {
        await()
            .atMost(DEADLINE)
            .failFast("the consumer exited", () -> !hashing.process().isAlive())
            .until(() -> admin.listTopics().names().get().contains(topics[1]));
      }
      try {
        crashAndRestart(cluster, random, producer, hashing, topics);
      } catch (org.awaitility.core.ConditionTimeoutException e) {
        throw new AssertionError("consumer's stderr:\n" + hashing.stderr(), e);
      }
    }
  }

  private void crashAndRestart(
      TestCluster cluster, Random random, String[] producer, LauncherProcess hashing, String[] topics) throws Exception {
    for (int kill = 0; kill < 3; kill++) {
      try (LauncherProcess crashing = LauncherProcess.start(work, producer)) {
        await()
            .atMost(DEADLINE)
            .failFast("the producer exited", () -> !crashing.process().isAlive())
            .until(() -> crashing.stderr().contains("watching 1 root"));
        // Changes that are published and acknowledged, so journaled, while it is killed.
        try {
          bursts(random, crashing);
        } catch (org.awaitility.core.ConditionTimeoutException e) {
          throw new AssertionError("producer's stderr:\n" + crashing.stderr(), e);
        }
        for (int i = 0; i < 30; i++) {
          mutate(random, random.nextInt(400));
        }
        // Killed while those are pending, in flight or being journaled.
        long moment = random.nextInt(400);
        await().pollDelay(Duration.ofMillis(moment)).until(() -> true);
        crashing.process().destroyForcibly();
        crashing.awaitExit(Duration.ofSeconds(30));
      }
    }
    try (LauncherProcess last = LauncherProcess.start(work, producer);
        HashTable table = new HashTable(cluster, topics[1])) {
      await()
          .atMost(DEADLINE)
          .failFast("the producer exited", () -> !last.process().isAlive())
          .until(() -> last.stderr().contains("initial scan done"));
      await()
          .atMost(DEADLINE)
          .pollInterval(Duration.ofMillis(500))
          .failFast("the producer exited", () -> !last.process().isAlive())
          .failFast("the consumer exited", () -> !hashing.process().isAlive())
          .untilAsserted(() -> assertThat(tableView(table)).isEqualTo(treeView()));
      assertThat(last.stderr())
          .containsAnyOf("index loaded from", "reading the whole hash table instead")
          .doesNotContain("Exception");
    }
  }

  /** Bursts of changes, each until the producer journaled some of its acknowledgements. */
  private void bursts(Random random, LauncherProcess crashing) throws Exception {
    Path log = state.resolve("index.log");
    for (int burst = 0; burst < 5 + random.nextInt(10); burst++) {
      long journaled = Files.exists(log) ? Files.size(log) : 0;
      for (int i = 0; i < 30; i++) {
        mutate(random, random.nextInt(400));
      }
      await()
          .atMost(DEADLINE)
          .failFast("the producer exited", () -> !crashing.process().isAlive())
          .until(() -> Files.exists(log) && Files.size(log) > journaled);
    }
  }

  /** Creates, rewrites or deletes file {@code n}. */
  private void mutate(Random random, int n) throws Exception {
    Path file = tree.resolve("d" + n % 7 + "/f" + n + ".txt");
    if (random.nextInt(4) == 0) {
      Files.deleteIfExists(file);
    } else {
      Files.createDirectories(file.getParent());
      Files.writeString(file, "content " + random.nextLong() + " ".repeat(random.nextInt(200)));
    }
  }

  /** Every file of the tree and its SHA-256. */
  private Map<String, String> treeView() throws Exception {
    Map<String, String> view = new TreeMap<>();
    try (Stream<Path> files = Files.walk(tree)) {
      for (Path file : files.filter(Files::isRegularFile).toList()) {
        try {
          view.put("t/" + tree.relativize(file), HexFormat.of().formatHex(Tables.sha256(file)));
        } catch (NoSuchFileException e) {
          // Not there any more.
        }
      }
    }
    return view;
  }

  /** Every key of the table with a value, and its digest ("status" for one without). */
  private static Map<String, String> tableView(HashTable table) {
    Map<String, String> view = new TreeMap<>();
    table.poll();
    table.latest().forEach((key, entry) -> {
      HashResult value = entry.value();
      if (value != null) {
        view.put(key, value.getStatus() == HashStatus.HASHED && value.getDigest() != null
            ? HexFormat.of().formatHex(Tables.bytes(value.getDigest()))
            : value.getStatus().toString());
      }
    });
    return view;
  }
}
