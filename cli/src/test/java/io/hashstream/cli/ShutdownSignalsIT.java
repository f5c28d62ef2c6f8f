package io.hashstream.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.hashstream.consumer.EventWriter;
import io.hashstream.consumer.HashTable;
import io.hashstream.consumer.Tables;
import io.hashstream.schemas.avro.ChangeKind;
import io.hashstream.testsupport.SharedRuntime;
import io.hashstream.testsupport.TestCluster;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Ctrl-C as a user presses it: the first signal stops in order with status 0, and a second one,
 * while that stop cannot finish, ends the process at once. The stop that cannot finish is real: a
 * consumer whose poll thread is stuck in the middle of a transaction (the consumer's test hook
 * blocks it before the commit, as a hung file system would block a read) never finishes its
 * round, so its cleanup waits the 30 s it allows for that round.
 */
@ExtendWith(SharedRuntime.class)
class ShutdownSignalsIT {
  private static final Duration DEADLINE = Duration.ofMinutes(2);
  /** Far less than the 30 s the stuck stop waits: only a forced stop ends within it. */
  private static final Duration AT_ONCE = Duration.ofSeconds(5);

  @TempDir Path work;
  @TempDir Path root;

  @ParameterizedTest(name = "SIG{0} twice: status {1}")
  @CsvSource({"INT, 130", "TERM, 143"})
  void aSecondSignalEndsAStopThatCannotFinish(String signal, int status, TestCluster cluster)
      throws Exception {
    String[] topics = topicsWithOneEvent(cluster);
    try (LauncherProcess consumer =
        LauncherProcess.start(
            work,
            List.of("-Dhashstream.test.block-at=BEFORE_COMMIT"),
            consumerArgs(cluster, topics, "stuck-" + signal))) {
      awaitStderr(consumer, "test-hook: blocked at BEFORE_COMMIT");

      kill(consumer, signal);
      awaitStderr(consumer, "stopping (SIG" + signal + ")");
      assertThat(consumer.process().isAlive()).as("the stop waits for the stuck round").isTrue();

      kill(consumer, signal);
      assertThat(consumer.awaitExit(AT_ONCE)).as(consumer.stderr()).isEqualTo(status);
      assertThat(consumer.stderr().lines().filter(line -> line.startsWith("hashstream: ")))
          .containsExactly("hashstream: forced stop");
    }
  }

  @Test
  void oneCtrlCStopsInOrderWithStatusZero(TestCluster cluster) throws Exception {
    String[] topics = topicsWithOneEvent(cluster);
    try (LauncherProcess consumer =
            LauncherProcess.start(work, consumerArgs(cluster, topics, "once"));
        HashTable table = new HashTable(cluster, topics[1])) {
      await()
          .atMost(DEADLINE)
          .failFast("the consumer exited", () -> !consumer.process().isAlive())
          .until(() -> !table.poll().isEmpty());

      kill(consumer, "INT");
      assertThat(consumer.awaitExit(Duration.ofSeconds(60))).as(consumer.stderr()).isZero();
      assertThat(consumer.stderr())
          .contains("stopping (SIGINT); Ctrl-C again stops at once")
          .doesNotContain("forced stop")
          .doesNotContain("did not finish its round");
    }
  }

  private String[] topicsWithOneEvent(TestCluster cluster) throws Exception {
    String[] topics = Tables.freshTopics(cluster, 1);
    EventWriter.write(root.resolve("a.txt"), "a".getBytes(StandardCharsets.UTF_8));
    try (EventWriter writer = new EventWriter(cluster, topics[0])) {
      var _ = writer.send("t", root, "a.txt", ChangeKind.FOUND);
    }
    return topics;
  }

  private static void awaitStderr(LauncherProcess process, String text) {
    await()
        .atMost(DEADLINE)
        .failFast("the launcher exited: " + text, () -> !process.process().isAlive())
        .until(() -> process.stderr().contains(text));
  }

  /** {@code kill -s SIGNAL pid}, as a terminal's Ctrl-C (INT) or a service manager (TERM). */
  private static void kill(LauncherProcess process, String signal) throws Exception {
    Process kill =
        new ProcessBuilder("kill", "-s", signal, Long.toString(process.pid()))
            .inheritIO()
            .start();
    assertThat(kill.waitFor()).as("kill -s " + signal).isZero();
  }

  private String[] consumerArgs(TestCluster cluster, String[] topics, String instance) {
    return new String[] {
      "consumer",
      "--bootstrap-servers", cluster.bootstrapServers(),
      "--schema-registry", cluster.schemaRegistryUrl(),
      "--group", "signals-" + topics[1],
      "--instance-id", "signals-" + instance + "-" + topics[1],
      "--events-topic", topics[0],
      "--hashes-topic", topics[1],
      "--root", "t=" + root
    };
  }
}
