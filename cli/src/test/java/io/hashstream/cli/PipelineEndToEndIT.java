package io.hashstream.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.hashstream.consumer.HashTable;
import io.hashstream.consumer.Tables;
import io.hashstream.schemas.avro.FileType;
import io.hashstream.schemas.avro.HashResult;
import io.hashstream.schemas.avro.HashStatus;
import io.hashstream.testsupport.SharedRuntime;
import io.hashstream.testsupport.TestCluster;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real processes end to end: one producer and two consumers as child JVMs of the launcher,
 * against the shared broker and registry. The newest value per key of the hash topic must equal
 * the SHA-256 that {@code MessageDigest} computes over the tree, gone files must be tombstoned, and
 * a FIFO and a symlink must be reported as not regular files.
 */
@ExtendWith(SharedRuntime.class)
class PipelineEndToEndIT {
  private static final Duration DEADLINE = Duration.ofMinutes(3);
  @TempDir Path work;
  @TempDir Path tree;

  @Test
  void theHashTableEndsAsTheTree(TestCluster cluster) throws Exception {
    String[] topics = Tables.freshTopics(cluster, 4);
    Random random = new Random(2026);
    for (String name :
        List.of("a.txt", "with space.txt", "-leading dash", "ünïcödé/日本.bin", "deep/er/file", "empty", "to-rename", "to-delete")) {
      byte[] content = name.equals("empty") ? new byte[0] : new byte[random.nextInt(20_000)];
      random.nextBytes(content);
      Files.createDirectories(tree.resolve(name).getParent());
      Files.write(tree.resolve(name), content);
    }
    byte[] big = new byte[6 << 20];
    random.nextBytes(big);
    Files.write(tree.resolve("big.bin"), big);
    Files.createSymbolicLink(tree.resolve("link"), tree.resolve("a.txt"));
    Process mkfifo = new ProcessBuilder("mkfifo", tree.resolve("pipe").toString()).start();
    assertThat(mkfifo.waitFor(10, TimeUnit.SECONDS)).isTrue();

    try (LauncherProcess producer =
            LauncherProcess.start(
                work,
                LauncherProcess.arguments(cluster, topics, "producer", "--root", "t=" + tree, "--producer-id", "e2e", "--settle", "200ms"));
        LauncherProcess first =
            LauncherProcess.start(
                work, LauncherProcess.arguments(cluster, topics, "consumer", "--root", "t=" + tree, "--instance-id", "e2e-1", "--group", "e2e-" + topics[1]));
        LauncherProcess second =
            LauncherProcess.start(
                work, LauncherProcess.arguments(cluster, topics, "consumer", "--root", "t=" + tree, "--instance-id", "e2e-2", "--group", "e2e-" + topics[1]));
        HashTable table = new HashTable(cluster, topics[1])) {
      await().atMost(DEADLINE).until(() -> table.poll().size() >= 11);

      // Changes while everything runs: modify, rename, delete, create nested.
      Files.writeString(tree.resolve("a.txt"), "modified");
      Files.move(tree.resolve("to-rename"), tree.resolve("renamed"));
      Files.delete(tree.resolve("to-delete"));
      Files.createDirectories(tree.resolve("new/dir"));
      Files.writeString(tree.resolve("new/dir/late.txt"), "late");

      await()
          .atMost(DEADLINE)
          .failFast(
              () -> {
                for (LauncherProcess process : List.of(producer, first, second)) {
                  if (!process.process().isAlive()) {
                    throw new AssertionError("a process exited: " + process.stderr());
                  }
                }
              })
          .untilAsserted(() -> assertTableMatchesTree(table));

      for (LauncherProcess process : List.of(producer, first, second)) {
        process.process().destroy();
        assertThat(process.awaitExit(Duration.ofSeconds(60))).as(process.stderr()).isZero();
      }
    }
  }

  private void assertTableMatchesTree(HashTable table) throws Exception {
    table.poll();
    Map<String, HashTable.Entry> latest = table.latest();
    Map<String, String> expected = new HashMap<>();
    try (Stream<Path> files = Files.walk(tree)) {
      for (Path file : files.filter(Files::isRegularFile).toList()) {
        if (Files.isSymbolicLink(file)) {
          continue;
        }
        expected.put("t/" + tree.relativize(file).toString(), hex(Tables.sha256(file)));
      }
    }
    for (Map.Entry<String, String> file : expected.entrySet()) {
      HashTable.Entry entry = latest.get(file.getKey());
      assertThat(entry).as(file.getKey()).isNotNull();
      HashResult result = Objects.requireNonNull(Objects.requireNonNull(entry).value(), file.getKey());
      assertThat(result.getStatus()).isEqualTo(HashStatus.HASHED);
      assertThat(hex(Tables.bytes(Objects.requireNonNull(result.getDigest())))).as(file.getKey()).isEqualTo(file.getValue());
    }
    for (String gone : List.of("t/to-rename", "t/to-delete")) {
      assertThat(latest.get(gone)).as(gone).isNotNull();
      assertThat(Objects.requireNonNull(latest.get(gone)).tombstone()).as(gone).isTrue();
    }
    assertNotRegular(latest.get("t/link"), FileType.SYMLINK);
    assertNotRegular(latest.get("t/pipe"), FileType.FIFO);
  }

  private static void assertNotRegular(HashTable.@Nullable Entry entry, FileType type) {
    assertThat(entry).isNotNull();
    HashResult result = Objects.requireNonNull(Objects.requireNonNull(entry).value());
    assertThat(result.getStatus()).isEqualTo(HashStatus.NOT_REGULAR_FILE);
    assertThat(result.getFileType()).isEqualTo(type);
  }

  private static String hex(byte[] bytes) {
    return java.util.HexFormat.of().formatHex(bytes);
  }

}
