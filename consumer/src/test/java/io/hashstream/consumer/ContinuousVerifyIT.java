package io.hashstream.consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.hashstream.schemas.avro.ChangeKind;
import io.hashstream.schemas.avro.HashResult;
import io.hashstream.schemas.avro.HashStatus;
import io.hashstream.testsupport.LoopVolume;
import io.hashstream.testsupport.SharedRuntime;
import io.hashstream.testsupport.TestCluster;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Continuous verify ({@code --verify-rate}) inside a running consumer: a change with its
 * modification time put back is found as the table behind, a block rewritten beneath the file
 * system as drift, and a pass goes on after a restart where it stood.
 */
@ExtendWith(SharedRuntime.class)
class ContinuousVerifyIT {
  private static final Duration DEADLINE = Duration.ofMinutes(2);
  private static final String PATHS = "hashstream.consumer.verify.paths";
  private static final int FILES = 30;

  @TempDir Path temp;

  @Test
  void aRestoredTimeIsFoundAndAPassGoesOnAcrossARestart(TestCluster cluster) throws Exception {
    Path root = Files.createDirectories(temp.resolve("root"));
    Random random = new Random(21);
    List<String> names = new ArrayList<>();
    for (int i = 0; i < FILES; i++) {
      byte[] content = new byte[256 * 1024];
      random.nextBytes(content);
      String name = "f" + i;
      Files.write(root.resolve(name), content);
      names.add(name);
    }
    Files.writeString(root.resolve("edited.txt"), "what the table saw");
    names.add("edited.txt");
    String[] topics = Tables.freshTopics(cluster, 2);
    ConsumerSettings settings = settings(cluster, topics, root);
    hashAll(cluster, topics, settings, root, names);

    Path edited = root.resolve("edited.txt");
    FileTime modified = Files.getLastModifiedTime(edited);
    Files.writeString(edited, "WHAT THE TABLE SAW");
    Files.setLastModifiedTime(edited, modified);

    // 7.5 MiB at 1 MiB/s: a pass takes about 8 s; stopped well before its end.
    try (ConsumerRunner first = new ConsumerRunner(settings, 1 << 20)) {
      await().atMost(DEADLINE).until(() -> first.count(PATHS, "verdict", "verified") >= 5);
    }
    try (ConsumerRunner second = new ConsumerRunner(settings, 1 << 20)) {
      await().atMost(DEADLINE).until(() -> second.count("hashstream.consumer.verify.passes") >= 2);
      double judged =
          second.count(PATHS, "verdict", "verified") + second.count(PATHS, "verdict", "tableBehind");
      assertThat(judged).as("the passes went on where the first instance stopped").isLessThan(FILES + 1);
      assertThat(second.count(PATHS, "verdict", "drift")).isZero();
    }
    try (ConsumerRunner third = new ConsumerRunner(settings, 64 << 20)) {
      await().atMost(DEADLINE).until(() -> third.count(PATHS, "verdict", "tableBehind") >= 1);
      assertThat(third.count(PATHS, "verdict", "drift")).isZero();
    }
  }

  /** A block of a file rewritten in a loop-mounted ext4's image: no time moves; drift. */
  @Test
  void aBlockRewrittenBeneathTheFileSystemIsDrift(TestCluster cluster) throws Exception {
    LoopVolume.assumeRoot();
    Path mountpoint = Files.createDirectories(temp.resolve("mnt"));
    try (LoopVolume volume = LoopVolume.create(temp.resolve("volume.img"), 32)) {
      volume.mount(mountpoint);
      byte[] content = new byte[64 * 1024];
      new Random(7).nextBytes(content);
      Files.write(mountpoint.resolve("rotting.bin"), content);
      Files.writeString(mountpoint.resolve("sound.txt"), "stays as it was");
      String[] topics = Tables.freshTopics(cluster, 1);
      ConsumerSettings settings = settings(cluster, topics, mountpoint);
      hashAll(cluster, topics, settings, mountpoint, List.of("rotting.bin", "sound.txt"));
      volume.rotFirstBlock(mountpoint.resolve("rotting.bin"), 8);

      try (ConsumerRunner verifying = new ConsumerRunner(settings, 64 << 20)) {
        await().atMost(DEADLINE).until(() -> verifying.count(PATHS, "verdict", "drift") >= 1);
        await().atMost(DEADLINE).until(() -> verifying.count(PATHS, "verdict", "verified") >= 1);
        assertThat(verifying.count(PATHS, "verdict", "drift")).isEqualTo(1);
        assertThat(verifying.failure()).isNull();
      }
    }
  }

  /** Runs a consumer until every file of {@code names} has its digest in the table, then stops it. */
  private static void hashAll(TestCluster cluster, String[] topics, ConsumerSettings settings, Path root, List<String> names)
      throws Exception {
    try (ConsumerRunner consumer = new ConsumerRunner(settings);
        EventWriter events = new EventWriter(cluster, topics[0]);
        HashTable table = new HashTable(cluster, topics[1])) {
      for (String name : names) {
        events.send("v", root, name, ChangeKind.CREATED);
      }
      await()
          .atMost(DEADLINE)
          .until(
              () -> {
                table.poll();
                Map<String, HashTable.Entry> latest = table.latest();
                return names.stream()
                    .allMatch(
                        name -> {
                          HashTable.Entry entry = latest.get("v/" + name);
                          HashResult value = entry == null ? null : entry.value();
                          return value != null && value.getStatus() == HashStatus.HASHED;
                        });
              });
      assertThat(consumer.failure()).isNull();
    }
  }

  private static ConsumerSettings settings(TestCluster cluster, String[] topics, Path root) {
    return ConsumerSettings.of(cluster.bootstrapServers(), cluster.schemaRegistryUrl(), "verifying", Map.of("v", root))
        .withGroup("group-" + topics[1])
        .withTopics(topics[0], topics[1]);
  }
}
