package io.hashstream.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.awaitility.Awaitility.await;

import io.hashstream.consumer.EventWriter;
import io.hashstream.consumer.HashTable;
import io.hashstream.consumer.Tables;
import io.hashstream.schemas.avro.ChangeKind;
import io.hashstream.schemas.avro.HashResult;
import io.hashstream.schemas.avro.HashStatus;
import io.hashstream.testsupport.SharedRuntime;
import io.hashstream.testsupport.TestCluster;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A file the consumer's user may not read is reported {@code UNREADABLE} with the reason, and the
 * consumer goes on. The build runs as root, which reads anything, so the consumer runs as nobody
 * ({@code setpriv}), as an operator would run it.
 */
@ExtendWith(SharedRuntime.class)
class UnreadableFileIT {
  private static final int NOBODY = 65534;

  @TempDir Path temp;

  @Test
  void aFileTheConsumerMayNotReadIsUnreadableWithTheReason(TestCluster cluster) throws Exception {
    List<String> wrapper = asNobody();
    Files.setPosixFilePermissions(temp, PosixFilePermissions.fromString("rwxr-xr-x"));
    Path root = Files.createDirectories(temp.resolve("root"));
    Path work = Files.createDirectories(temp.resolve("work"));
    Files.writeString(root.resolve("readable.txt"), "anyone may read this");
    Files.writeString(root.resolve("secret.txt"), "nobody may read this");
    Files.setPosixFilePermissions(root.resolve("secret.txt"), PosixFilePermissions.fromString("---------"));
    Path locked = Files.createDirectories(root.resolve("locked"));
    Files.writeString(locked.resolve("inner.txt"), "in a directory only its owner may search");
    Files.setPosixFilePermissions(locked, PosixFilePermissions.fromString("rwx------"));

    String[] topics = Tables.freshTopics(cluster, 1);
    Map<String, List<Long>> expected = new HashMap<>();
    try (EventWriter events = new EventWriter(cluster, topics[0])) {
      for (String name : List.of("readable.txt", "secret.txt", "locked/inner.txt")) {
        long offset = events.send("t", root, name, ChangeKind.FOUND).offset();
        expected.computeIfAbsent("t/" + name, k -> new ArrayList<>()).add(offset);
      }
    }
    try (LauncherProcess consumer =
            LauncherProcess.start(
                work,
                wrapper,
                List.of(),
                "consumer",
                "--bootstrap-servers", cluster.bootstrapServers(),
                "--schema-registry", cluster.schemaRegistryUrl(),
                "--events-topic", topics[0],
                "--hashes-topic", topics[1],
                "--group", "unreadable-" + topics[1],
                "--instance-id", "nobody",
                "--root", "t=" + root);
        HashTable table = new HashTable(cluster, topics[1])) {
      await()
          .atMost(Duration.ofMinutes(2))
          .failFast(() -> {
            if (!consumer.process().isAlive()) {
              throw new AssertionError("the consumer exited: " + consumer.stderr());
            }
          })
          .until(() -> Tables.allAnswered(table.poll(), expected));
      Map<String, HashTable.Entry> latest = table.latest();
      assertThat(value(latest, "t/readable.txt").getStatus()).isEqualTo(HashStatus.HASHED);
      for (String key : List.of("t/secret.txt", "t/locked/inner.txt")) {
        HashResult result = value(latest, key);
        assertThat(result.getStatus()).as(key).isEqualTo(HashStatus.UNREADABLE);
        assertThat(String.valueOf(result.getReason())).as(key).containsIgnoringCase("permission denied");
      }
      assertThat(consumer.process().isAlive()).isTrue();
    }
  }

  /**
   * A {@code chmod} changes the status change time, so the producer publishes it; the consumer,
   * which could not read the file before, hashes it now, without a restart of either.
   */
  @Test
  void aFileMadeReadableIsHashedWithoutARestart(TestCluster cluster) throws Exception {
    List<String> wrapper = asNobody();
    Files.setPosixFilePermissions(temp, PosixFilePermissions.fromString("rwxr-xr-x"));
    Path root = Files.createDirectories(temp.resolve("root"));
    Files.writeString(root.resolve("secret.txt"), "readable later");
    Files.setPosixFilePermissions(root.resolve("secret.txt"), PosixFilePermissions.fromString("---------"));
    String[] topics = Tables.freshTopics(cluster, 1);
    try (LauncherProcess producer =
            LauncherProcess.start(
                Files.createDirectories(temp.resolve("producer")), LauncherProcess.arguments(cluster, topics, "producer", "--root", "t=" + root, "--producer-id", "chmod", "--settle", "200ms"));
        LauncherProcess consumer =
            LauncherProcess.start(
                Files.createDirectories(temp.resolve("consumer")),
                wrapper,
                List.of(),
                LauncherProcess.arguments(cluster, topics, "consumer", "--root", "t=" + root, "--instance-id", "nobody", "--group", "chmod-" + topics[1]));
        HashTable table = new HashTable(cluster, topics[1])) {
      await()
          .atMost(Duration.ofMinutes(2))
          .failFast(() -> alive(producer, consumer))
          .until(() -> status(table, "t/secret.txt") == HashStatus.UNREADABLE);

      Files.setPosixFilePermissions(root.resolve("secret.txt"), PosixFilePermissions.fromString("rw-r--r--"));
      byte[] digest = Tables.sha256(root.resolve("secret.txt"));
      await()
          .atMost(Duration.ofMinutes(2))
          .failFast(() -> alive(producer, consumer))
          .until(() -> status(table, "t/secret.txt") == HashStatus.HASHED);
      HashResult result = value(table.latest(), "t/secret.txt");
      assertThat(Tables.bytes(Objects.requireNonNull(result.getDigest()))).isEqualTo(digest);
    }
  }

  /** The consumer as nobody when the build runs as root (root reads anything); skips where it cannot. */
  static List<String> asNobody() throws Exception {
    assumeThat(System.getProperty("os.name")).isEqualTo("Linux");
    List<String> wrapper = new ArrayList<>();
    if ((int) Files.getAttribute(Path.of("/proc/self"), "unix:uid") == 0) {
      Path setpriv = Path.of("/usr/bin/setpriv");
      assumeThat(Files.isExecutable(setpriv)).as("setpriv (util-linux) is installed").isTrue();
      wrapper.addAll(
          List.of(setpriv.toString(), "--reuid=" + NOBODY, "--regid=" + NOBODY, "--clear-groups"));
    }
    return wrapper;
  }

  private static void alive(LauncherProcess... processes) {
    for (LauncherProcess process : processes) {
      if (!process.process().isAlive()) {
        throw new AssertionError("a process exited: " + process.stderr());
      }
    }
  }

  private static @Nullable HashStatus status(HashTable table, String key) {
    table.poll();
    HashTable.Entry entry = table.latest().get(key);
    HashResult value = entry == null ? null : entry.value();
    return value == null ? null : value.getStatus();
  }


  private static HashResult value(Map<String, HashTable.Entry> latest, String key) {
    HashTable.Entry entry = Objects.requireNonNull(latest.get(key), key);
    return Objects.requireNonNull(entry.value(), key + " is a tombstone");
  }
}
