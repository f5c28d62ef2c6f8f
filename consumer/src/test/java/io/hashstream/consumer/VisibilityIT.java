package io.hashstream.consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.hashstream.schemas.avro.ChangeKind;
import io.hashstream.schemas.avro.FileChangeEvent;
import io.hashstream.schemas.avro.HashResult;
import io.hashstream.schemas.avro.HashStatus;
import io.hashstream.testsupport.LoopVolume;
import io.hashstream.testsupport.SharedRuntime;
import io.hashstream.testsupport.TestCluster;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the consumer writes when this host does not see a root as the producer did: a root
 * directory replaced after the start, a volume mounted onto the root after the start, never
 * mounted, or lazily unmounted while the consumer runs. Never a tombstone, never UNSTABLE for every
 * file: the root's records wait, and are answered once its files are visible.
 */
@ExtendWith(SharedRuntime.class)
class VisibilityIT {
  private static final Duration DEADLINE = Duration.ofMinutes(2);
  private static final List<String> FILES = List.of("a.txt", "b.txt", "dir/c.txt", "dir/d e.txt", "f.bin");

  @TempDir Path temp;

  @Test
  void aRootDirectoryReplacedAfterTheStartIsOpenedAnew(TestCluster cluster) throws Exception {
    String[] topics = Tables.freshTopics(cluster, 1);
    Path root = Files.createDirectories(temp.resolve("current"));
    Files.writeString(root.resolve("a.txt"), "first tree");
    try (Running running = Running.start(cluster, topics, root)) {
      ConsumerRunner consumer = running.consumer();
      HashTable table = running.table();
      EventWriter events = running.events();
      events.send("v", root, "a.txt", ChangeKind.CREATED);
      await().atMost(DEADLINE).until(() -> digestOf(table, "v/a.txt") != null);

      // A deployment that swaps the tree in: the consumer's old descriptor still shows the old one.
      Files.move(root, temp.resolve("previous"));
      Files.createDirectories(root);
      Files.writeString(root.resolve("a.txt"), "second tree, longer");
      events.send("v", root, "a.txt", ChangeKind.MODIFIED);

      byte[] expected = Tables.sha256(root.resolve("a.txt"));
      await().atMost(DEADLINE).untilAsserted(() -> assertThat(digestOf(table, "v/a.txt")).isEqualTo(expected));
      assertThat(statusOf(table, "v/a.txt")).isEqualTo(HashStatus.HASHED);
      assertThat(consumer.failure()).isNull();
    }
  }

  /**
   * A file this host sees only after its event was answered UNSTABLE is looked at again while the
   * consumer runs, and its digest written without another event.
   */
  @Test
  void anUncertainAnswerIsLookedAtAgainWhileRunning(TestCluster cluster) throws Exception {
    Path staging = Files.createDirectories(temp.resolve("elsewhere"));
    Files.writeString(staging.resolve("late.txt"), "written on the producer's host first");
    Path root = Files.createDirectories(temp.resolve("root"));
    Files.writeString(root.resolve("seen.txt"), "the root shows its tree");
    try (Running running = Running.start(cluster, Tables.freshTopics(cluster, 1), root)) {
      HashTable table = running.table();
      EventWriter events = running.events();
      events.send("v", root, "seen.txt", ChangeKind.CREATED);
      events.send("v/late.txt", event(events, staging, "late.txt"));
      await().atMost(DEADLINE).until(() -> statusOf(table, "v/late.txt") == HashStatus.UNSTABLE);
      long offset = latest(table, "v/late.txt").source().getOffset();

      // It reaches this host after the answer: nothing tells the consumer but its own later look.
      Files.move(staging.resolve("late.txt"), root.resolve("late.txt"));
      byte[] expected = Tables.sha256(root.resolve("late.txt"));
      await().atMost(DEADLINE).untilAsserted(() -> assertThat(digestOf(table, "v/late.txt")).isEqualTo(expected));
      HashTable.Entry look = latest(table, "v/late.txt");
      assertThat(look.recheck()).as("written by a later look").isPositive();
      assertThat(look.source().getOffset()).as("the source of the event it answers").isEqualTo(offset);
      assertThat(running.consumer().count("hashstream.consumer.rechecks")).isPositive();
    }
  }

  /**
   * A burst of directory renames on a local disk: the events of files under a directory renamed
   * away name paths that no longer exist. On a local file system this host sees what the producer
   * saw, so they are answered at once (UNSTABLE, not visible; their DELETED events follow), not each
   * after 4 s of waiting for a view to catch up, and their later looks take no hashing thread's
   * time from fresh events. With 60 such files and 2 hashing threads, waiting would take 2 minutes
   * before the fresh file, and its looks as long again.
   */
  @Test
  void filesRenamedAwayBeforeTheirEventsAreHashedDoNotStallALocalRoot(TestCluster cluster) throws Exception {
    Path before = Files.createDirectories(temp.resolve("before"));
    Path root = Files.createDirectories(temp.resolve("root"));
    Files.writeString(root.resolve("seen.txt"), "the root shows its tree");
    List<FileChangeEvent> renamedAway = new ArrayList<>();
    for (int i = 0; i < 60; i++) {
      String name = "dir/f" + i;
      EventWriter.write(before.resolve(name), ("content " + i).getBytes(StandardCharsets.UTF_8));
    }
    try (Running running = Running.start(cluster, Tables.freshTopics(cluster, 1), root)) {
      HashTable table = running.table();
      EventWriter events = running.events();
      events.send("v", root, "seen.txt", ChangeKind.CREATED);
      await().atMost(DEADLINE).until(() -> statusOf(table, "v/seen.txt") == HashStatus.HASHED);
      for (int i = 0; i < 60; i++) {
        renamedAway.add(event(events, before, "dir/f" + i));
      }
      for (FileChangeEvent event : renamedAway) {
        events.send("v/" + event.getPath(), event);
      }
      await()
          .atMost(Duration.ofSeconds(30))
          .untilAsserted(
              () -> {
                for (FileChangeEvent event : renamedAway) {
                  assertThat(statusOf(table, "v/" + event.getPath())).as(event.getPath()).isEqualTo(HashStatus.UNSTABLE);
                }
              });

      Files.writeString(root.resolve("fresh.txt"), "written after the burst");
      events.send("v", root, "fresh.txt", ChangeKind.CREATED);
      byte[] expected = Tables.sha256(root.resolve("fresh.txt"));
      await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(digestOf(table, "v/fresh.txt")).isEqualTo(expected));
      assertThat(running.consumer().failure()).isNull();
    }
  }

  @Test
  void aVolumeNotMountedYetIsHeldThenHashedOnceMounted(TestCluster cluster) throws Exception {
    LoopVolume.assumeRoot();
    String[] topics = Tables.freshTopics(cluster, 3);
    Path mountpoint = Files.createDirectories(temp.resolve("mnt"));
    Path staging = Files.createDirectories(temp.resolve("staging"));
    // What the producer's host saw on the volume.
    try (LoopVolume volume = volumeWithFiles(staging)) {
      List<FileChangeEvent> seen = new ArrayList<>();
      try (EventWriter builder = new EventWriter(cluster, topics[0])) {
        for (String name : FILES) {
          seen.add(event(builder, staging, name));
        }
      }
      Map<String, byte[]> digests = new HashMap<>();
      for (String name : FILES) {
        digests.put("v/" + name, Tables.sha256(staging.resolve(name)));
      }
      volume.unmount();

      try (Running running = Running.start(cluster, topics, mountpoint)) {
        ConsumerRunner consumer = running.consumer();
        HashTable table = running.table();
        EventWriter events = running.events();
        sendAndAwaitHeld(events, seen, consumer, "empty");
        // The root is found suspect (the health above) before its first event's task is held.
        await().atMost(DEADLINE).until(() -> consumer.count("hashstream.consumer.events.held.for.root") > 0);
        assertThat(table.poll()).as("nothing is answered for a root that shows nothing").isEmpty();

        volume.mount(mountpoint);
        await()
            .atMost(DEADLINE)
            .untilAsserted(
                () -> {
                  for (var expected : digests.entrySet()) {
                    assertThat(digestOf(table, expected.getKey())).as(expected.getKey()).isEqualTo(expected.getValue());
                  }
                });
        assertThat(table.poll()).extracting(entry -> status(entry.value())).containsOnly(HashStatus.HASHED);
        await().atMost(DEADLINE).until(() -> consumer.health().status() == ConsumerHealth.Status.READY);
        assertThat(consumer.failure()).isNull();
      }
    }
  }

  @Test
  void aVolumeUnmountedLazilyWhileRunningKeepsItsDigests(TestCluster cluster) throws Exception {
    LoopVolume.assumeRoot();
    Path mountpoint = Files.createDirectories(temp.resolve("mnt"));
    String[] topics = Tables.freshTopics(cluster, 3);
    try (LoopVolume volume = volumeWithFiles(mountpoint)) {
      try (Running running = Running.start(cluster, topics, mountpoint)) {
        ConsumerRunner consumer = running.consumer();
        HashTable table = running.table();
        EventWriter events = running.events();
        List<FileChangeEvent> later = new ArrayList<>();
        for (String name : FILES) {
          events.send("v", mountpoint, name, ChangeKind.CREATED);
          later.add(event(events, mountpoint, name));
        }
        await().atMost(DEADLINE).until(() -> table.poll().size() == FILES.size());
        Map<String, Table> before = snapshot(table);

        // The consumer holds the root open: a plain umount fails with EBUSY, a lazy one detaches it.
        volume.unmountLazily();
        sendAndAwaitHeld(events, later, consumer, "not the one where its files were seen");
        assertThat(snapshot(table)).as("no digest is replaced while the volume is away").isEqualTo(before);

        volume.mount(mountpoint);
        await().atMost(DEADLINE).until(() -> table.poll().size() == 2 * FILES.size());
        assertThat(table.poll()).extracting(entry -> status(entry.value())).containsOnly(HashStatus.HASHED);
        assertThat(snapshot(table)).isEqualTo(before);
        await().atMost(DEADLINE).until(() -> consumer.health().status() == ConsumerHealth.Status.READY);
      }
    }
  }

  /** A consumer of root {@code v} with a reader of its table and a writer of events. */
  private record Running(ConsumerRunner consumer, HashTable table, EventWriter events) implements AutoCloseable {
    static Running start(TestCluster cluster, String[] topics, Path root) {
      return new Running(
          new ConsumerRunner(settings(cluster, topics, root)),
          new HashTable(cluster, topics[1]),
          new EventWriter(cluster, topics[0]));
    }

    @Override
    public void close() {
      try (consumer; table; events) {
        // Each closed, in reverse order, even if one fails.
      }
    }
  }

  /** A fresh ext4 volume mounted at {@code mountpoint}, with {@link #FILES} on it. */
  private LoopVolume volumeWithFiles(Path mountpoint) throws Exception {
    LoopVolume volume = LoopVolume.create(temp.resolve("volume.img"), 16);
    try {
      volume.mount(mountpoint);
      for (String name : FILES) {
        EventWriter.write(mountpoint.resolve(name), ("content of " + name).getBytes(StandardCharsets.UTF_8));
      }
      return volume;
    } catch (Exception e) {
      volume.close();
      throw e;
    }
  }

  /** Sends events for files this host does not see, and waits for the root to be held. */
  private static void sendAndAwaitHeld(
      EventWriter events, List<FileChangeEvent> toSend, ConsumerRunner consumer, String why) throws Exception {
    for (FileChangeEvent event : toSend) {
      events.send("v/" + event.getPath(), event);
    }
    await()
        .atMost(DEADLINE)
        .untilAsserted(
            () -> {
              ConsumerHealth health = consumer.health();
              assertThat(health.status()).isEqualTo(ConsumerHealth.Status.DEGRADED);
              assertThat(health.reason()).contains("root v is held").contains(why);
            });
  }

  /** The newest digest and status of every key. */
  private record Table(@Nullable HashStatus status, String digest) {}

  private static Map<String, Table> snapshot(HashTable table) {
    Map<String, Table> snapshot = new TreeMap<>();
    table.poll();
    table.latest().forEach((key, entry) -> {
      HashResult value = entry.value();
      ByteBuffer digest = value == null ? null : value.getDigest();
      snapshot.put(
          key,
          new Table(
              value == null ? null : value.getStatus(),
              digest == null ? "" : HexFormat.of().formatHex(Tables.bytes(digest))));
    });
    return snapshot;
  }

  private static @Nullable HashStatus status(@Nullable HashResult value) {
    return value == null ? null : value.getStatus();
  }

  private static FileChangeEvent event(EventWriter writer, Path root, String name) throws Exception {
    Path file = root.resolve(name);
    BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    return writer
        .builder("v", name, ChangeKind.MODIFIED)
        .setSize(attributes.size())
        .setModified(attributes.lastModifiedTime().toInstant())
        .setStatusChanged(((FileTime) Files.getAttribute(file, "unix:ctime", LinkOption.NOFOLLOW_LINKS)).toInstant())
        .build();
  }

  private static ConsumerSettings settings(TestCluster cluster, String[] topics, Path root) {
    return ConsumerSettings.of(cluster.bootstrapServers(), cluster.schemaRegistryUrl(), "visibility", Map.of("v", root))
        .withGroup("group-" + topics[1])
        .withTopics(topics[0], topics[1]);
  }

  private static byte @Nullable [] digestOf(HashTable table, String key) {
    table.poll();
    HashTable.Entry entry = table.latest().get(key);
    HashResult value = entry == null ? null : entry.value();
    ByteBuffer digest = value == null ? null : value.getDigest();
    return digest == null ? null : Tables.bytes(digest);
  }

  private static HashTable.Entry latest(HashTable table, String key) {
    table.poll();
    HashTable.Entry entry = table.latest().get(key);
    assertThat(entry).as(key).isNotNull();
    return java.util.Objects.requireNonNull(entry);
  }

  private static @Nullable HashStatus statusOf(HashTable table, String key) {
    table.poll();
    HashTable.Entry entry = table.latest().get(key);
    return entry == null ? null : status(entry.value());
  }
}
