package io.hashstream.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.hashstream.consumer.EventWriter;
import io.hashstream.consumer.HashTable;
import io.hashstream.consumer.Tables;
import io.hashstream.schemas.avro.ChangeKind;
import io.hashstream.schemas.avro.HashResult;
import io.hashstream.testsupport.SharedRuntime;
import io.hashstream.testsupport.TestCluster;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The consumer as a process that dies: SIGKILL at named points of a transaction and at random
 * moments, then a restart with the same instance id. Nothing committed twice, nothing missing, and
 * the restart does not wait out the transaction timeout.
 */
@ExtendWith(SharedRuntime.class)
class ConsumerCrashIT {
  private static final Duration DEADLINE = Duration.ofMinutes(2);
  /** Long, so that a restart that waited for it could not pass. */
  private static final Duration TRANSACTION_TIMEOUT = Duration.ofSeconds(60);

  @TempDir Path work;
  @TempDir Path root;

  @ParameterizedTest
  @ValueSource(strings = {"AFTER_SEND_RESULTS", "AFTER_SEND_OFFSETS", "BEFORE_COMMIT"})
  void killedAtANamedPointThenRestartedCommitsEveryResultOnce(String point, TestCluster cluster)
      throws Exception {
    String[] topics = Tables.freshTopics(cluster, 2);
    Map<String, List<Long>> expected = writeTreeAndEvents(cluster, topics[0], 40, new Random(point.hashCode()));
    String group = "crash-" + topics[1];

    try (LauncherProcess crashing =
        LauncherProcess.start(
            work, List.of("-Dhashstream.test.block-at=" + point), consumerArgs(cluster, topics, group))) {
      await()
          .atMost(DEADLINE)
          .failFast("the consumer exited", () -> !crashing.process().isAlive())
          .until(() -> crashing.stderr().contains("test-hook: blocked at " + point));
      crashing.process().destroyForcibly();
      crashing.awaitExit(Duration.ofSeconds(30));
    }
    assertRestartCompletes(cluster, topics, group, expected);
  }

  @Test
  void killedAtRandomMomentsThenRestartedCommitsEveryResultOnce(TestCluster cluster) throws Exception {
    String[] topics = Tables.freshTopics(cluster, 3);
    Random random = new Random(20261125);
    Map<String, List<Long>> expected = writeTreeAndEvents(cluster, topics[0], 1500, random);
    int total = expected.values().stream().mapToInt(List::size).sum();
    String group = "random-" + topics[1];
    for (int kill = 0; kill < 2; kill++) {
      String[] args = consumerArgs(cluster, topics, group, "--batch-records", "20");
      try (LauncherProcess crashing = LauncherProcess.start(work, args);
          HashTable table = new HashTable(cluster, topics[1])) {
        int before = table.poll().size();
        // Once it commits, it is mid-stream: kill it a random moment later.
        await()
            .atMost(DEADLINE)
            .failFast("the consumer exited", () -> !crashing.process().isAlive())
            .until(() -> table.poll().size() > before);
        if (table.poll().size() >= total) {
          break;
        }
        long moment = 50L + random.nextInt(1500);
        await().pollDelay(Duration.ofMillis(moment)).until(() -> true);
        crashing.process().destroyForcibly();
        crashing.awaitExit(Duration.ofSeconds(30));
      }
    }
    assertRestartCompletes(cluster, topics, group, expected);
  }

  /**
   * A zombie: the only consumer of its group frozen (SIGSTOP) past its session timeout, a
   * replacement that took over and answered everything, then the first resumed. Its transactions
   * carry a stale group generation (KIP-447), so they fail: nothing is committed twice.
   */
  @Test
  void aFrozenConsumerThatWakesAfterItsReplacementTookOverCommitsNothing(TestCluster cluster)
      throws Exception {
    String[] topics = Tables.freshTopics(cluster, 1);
    Map<String, List<Long>> expected = writeTreeAndEvents(cluster, topics[0], 300, new Random(20261203));
    String group = "zombie-" + topics[1];
    Path shortSession = work.resolve("short-session.properties");
    Files.writeString(shortSession, "session.timeout.ms=6000\nheartbeat.interval.ms=1000\n");
    try (LauncherProcess zombie =
            LauncherProcess.start(
                work,
                // Slow hashing: it is mid-stream, with hashes and a transaction open, when frozen.
                List.of("-Dhashstream.test.hash-bytes-per-second=200000"),
                instanceArgs(cluster, topics, group, "zombie", "--client-config", shortSession.toString()));
        HashTable table = new HashTable(cluster, topics[1])) {
      await()
          .atMost(DEADLINE)
          .failFast("the consumer exited", () -> !zombie.process().isAlive())
          .until(() -> !table.poll().isEmpty());
      signal("STOP", zombie.pid());
      try {
        try (LauncherProcess replacement =
            LauncherProcess.start(
                work, instanceArgs(cluster, topics, group, "replacement", "--client-config", shortSession.toString()))) {
          await()
              .atMost(DEADLINE)
              .failFast("the replacement exited", () -> !replacement.process().isAlive())
              .until(() -> Tables.allAnswered(table.poll(), expected));
          signal("CONT", zombie.pid());
          await()
              .atMost(DEADLINE)
              .until(
                  () ->
                      zombie.stderr().contains("partitions lost")
                          || zombie.stderr().contains("the transaction failed"));
          // Whatever the zombie still had is refused; the replacement keeps the partition.
          await()
              .during(Duration.ofSeconds(5))
              .atMost(Duration.ofSeconds(10))
              .until(() -> zombie.process().isAlive() && replacement.process().isAlive());
          Tables.assertExactlyOnce(table.poll(), expected);
        }
      } finally {
        signal("CONT", zombie.pid());
      }
    }
  }

  private static void signal(String signal, long pid) throws Exception {
    Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(pid)).inheritIO().start();
    assertThat(kill.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
  }

  private void assertRestartCompletes(
      TestCluster cluster, String[] topics, String group, Map<String, List<Long>> expected)
      throws Exception {
    int total = expected.values().stream().mapToInt(List::size).sum();
    long started = System.nanoTime();
    try (LauncherProcess restarted = LauncherProcess.start(work, consumerArgs(cluster, topics, group));
        HashTable table = new HashTable(cluster, topics[1])) {
      await()
          .atMost(DEADLINE)
          .failFast(
              () -> {
                if (!restarted.process().isAlive()) {
                  throw new AssertionError("the consumer exited: " + restarted.stderr());
                }
              })
          .until(() -> table.poll().size() >= total);
      Duration took = Duration.ofNanos(System.nanoTime() - started);
      assertThat(took).isLessThan(TRANSACTION_TIMEOUT.minusSeconds(15));

      Tables.assertExactlyOnce(table.poll(), expected);
      for (Map.Entry<String, HashTable.Entry> entry : table.latest().entrySet()) {
        HashResult result = Objects.requireNonNull(entry.getValue().value(), entry.getKey());
        Path file = root.resolve(entry.getKey().substring("t/".length()));
        assertThat(Tables.bytes(Objects.requireNonNull(result.getDigest()))).isEqualTo(Tables.sha256(file));
      }
      // The earlier runs may have answered everything already: stop it only once it runs (a
      // SIGTERM before the launcher took over the signals ends the JVM with 143).
      await()
          .atMost(DEADLINE)
          .until(() -> restarted.stderr().contains("hashing " + topics[0] + " in group"));
      restarted.process().destroy();
      assertThat(restarted.awaitExit(Duration.ofSeconds(60))).as(restarted.stderr()).isZero();
    }
  }

  private Map<String, List<Long>> writeTreeAndEvents(
      TestCluster cluster, String topic, int events, Random random) throws Exception {
    Map<String, List<Long>> expected = new HashMap<>();
    try (EventWriter writer = new EventWriter(cluster, topic)) {
      for (int i = 0; i < events; i++) {
        String name = "d" + (i % 7) + "/f" + i + ".bin";
        byte[] content = new byte[random.nextInt(32 * 1024)];
        random.nextBytes(content);
        EventWriter.write(root.resolve(name), content);
        long offset = writer.send("t", root, name, ChangeKind.FOUND).offset();
        expected.computeIfAbsent("t/" + name, k -> new ArrayList<>()).add(offset);
      }
    }
    return expected;
  }

  private String[] consumerArgs(
      TestCluster cluster, String[] topics, String group, String... extra) {
    return instanceArgs(cluster, topics, group, "crash-test", extra);
  }

  private String[] instanceArgs(
      TestCluster cluster, String[] topics, String group, String instance, String... extra) {
    return java.util.stream.Stream.concat(java.util.Arrays.stream(new String[] {
      "consumer",
      "--bootstrap-servers", cluster.bootstrapServers(),
      "--schema-registry", cluster.schemaRegistryUrl(),
      "--group", group,
      "--instance-id", instance,
      "--events-topic", topics[0],
      "--hashes-topic", topics[1],
      "--transaction-timeout", TRANSACTION_TIMEOUT.toSeconds() + "s",
      "--root", "t=" + root
    }), java.util.Arrays.stream(extra)).toArray(String[]::new);
  }
}
