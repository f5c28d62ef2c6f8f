package io.hashstream.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.hashstream.consumer.HashTable;
import io.hashstream.consumer.Tables;
import io.hashstream.schemas.avro.HashResult;
import io.hashstream.schemas.avro.HashStatus;
import io.hashstream.testsupport.SharedRuntime;
import io.hashstream.testsupport.TcpProxy;
import io.hashstream.testsupport.TestCluster;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A producer and a consumer started while the schema registry is down (the fault suite's scenario
 * 4 found both exiting): they wait for it, say so once, and work once it answers; a stop while
 * waiting is an ordinary stop.
 */
@ExtendWith(SharedRuntime.class)
class RegistryOutageAtStartIT {
  private static final Duration DEADLINE = Duration.ofMinutes(2);

  @TempDir Path work;
  @TempDir Path tree;

  @Test
  void aProducerAndAConsumerStartedDuringARegistryOutageWaitAndHashOnceItIsBack(TestCluster cluster) throws Exception {
    String[] topics = Tables.freshTopics(cluster, 2);
    Files.writeString(tree.resolve("a.txt"), "written before the registry came back");
    try (TcpProxy registry = TcpProxy.before(cluster.schemaRegistryUrl())) {
      registry.down();
      String url = registry.through(cluster.schemaRegistryUrl());
      String[] common = {
        "--bootstrap-servers", cluster.bootstrapServers(),
        "--schema-registry", url,
        "--events-topic", topics[0],
        "--hashes-topic", topics[1]
      };
      try (LauncherProcess consumer =
              LauncherProcess.start(
                  work, concat(new String[] {"consumer", "--root", "t=" + tree, "--instance-id", "outage", "--group", "outage-" + topics[1]}, common));
          LauncherProcess producer =
              LauncherProcess.start(
                  work, concat(new String[] {"producer", "--root", "t=" + tree, "--producer-id", "outage", "--settle", "200ms"}, common))) {
        for (LauncherProcess process : new LauncherProcess[] {consumer, producer}) {
          await()
              .atMost(DEADLINE)
              .failFast("it exited: " + process.stderr(), () -> !process.process().isAlive())
              .until(() -> process.stderr().contains("schema registry at " + url + " does not answer"));
        }
        registry.up();
        // The consumer creates the hash topic once the registry answers: read it from then on.
        await()
            .atMost(DEADLINE)
            .failFast("the consumer exited: " + consumer.stderr(), () -> !consumer.process().isAlive())
            .until(() -> consumer.stderr().contains("partitions assigned"));
        String digest = HexFormat.of().formatHex(Tables.sha256(tree.resolve("a.txt")));
        try (HashTable table = new HashTable(cluster, topics[1])) {
        await()
            .atMost(DEADLINE)
            .failFast("the consumer exited: " + consumer.stderr(), () -> !consumer.process().isAlive())
            .failFast("the producer exited: " + producer.stderr(), () -> !producer.process().isAlive())
            .until(
                () -> {
                  table.poll();
                  var entry = table.latest().get("t/a.txt");
                  HashResult result = entry == null ? null : entry.value();
                  java.nio.ByteBuffer bytes = result == null ? null : result.getDigest();
                  return result != null
                      && result.getStatus() == HashStatus.HASHED
                      && bytes != null
                      && HexFormat.of().formatHex(Tables.bytes(bytes)).equals(digest);
                });
        } catch (org.awaitility.core.ConditionTimeoutException e) {
          throw new AssertionError(
              "not hashed; the producer said:\n" + producer.stderr() + "\nthe consumer said:\n" + consumer.stderr(), e);
        }
        assertThat(producer.stderr()).containsOnlyOnce("does not answer").contains("answers again");
        assertThat(consumer.stderr()).containsOnlyOnce("does not answer").contains("answers again");
      }
    }
  }

  @Test
  void aProducerStoppedWhileItWaitsForTheRegistryExitsWithStatusZero(TestCluster cluster) throws Exception {
    String[] topics = Tables.freshTopics(cluster, 1);
    try (TcpProxy registry = TcpProxy.before(cluster.schemaRegistryUrl())) {
      registry.down();
      String url = registry.through(cluster.schemaRegistryUrl());
      try (LauncherProcess producer =
          LauncherProcess.start(
              work,
              "producer", "--root", "t=" + tree, "--producer-id", "stopped",
              "--bootstrap-servers", cluster.bootstrapServers(),
              "--schema-registry", url,
              "--events-topic", topics[0],
              "--hashes-topic", topics[1])) {
        await()
            .atMost(DEADLINE)
            .failFast("it exited: " + producer.stderr(), () -> !producer.process().isAlive())
            .until(() -> producer.stderr().contains("does not answer"));
        producer.process().destroy();
        assertThat(producer.awaitExit(Duration.ofSeconds(30))).isZero();
      }
    }
  }

  private static String[] concat(String[] first, String[] second) {
    String[] all = java.util.Arrays.copyOf(first, first.length + second.length);
    System.arraycopy(second, 0, all, first.length, second.length);
    return all;
  }
}
