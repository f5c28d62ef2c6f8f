package io.hashstream.consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.hashstream.schemas.avro.ChangeKind;
import io.hashstream.schemas.avro.FileType;
import io.hashstream.schemas.avro.HashResult;
import io.hashstream.schemas.avro.HashStatus;
import io.hashstream.testsupport.SharedRuntime;
import io.hashstream.testsupport.TestCluster;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** The consumer against the real broker and registry: exactly once, as a table, safely. */
@ExtendWith(SharedRuntime.class)
class HashingConsumerIT {
  private static final Duration DEADLINE = Duration.ofMinutes(2);
  private static final List<String> NAMES =
      List.of(
          "plain.txt",
          "with space.txt",
          "-leading-dash",
          "ünïcödé-日本.bin",
          "nested/a/b/deep.dat",
          "nested/a/empty",
          "big/several-mib.bin");

  @TempDir Path root;

  @Test
  void writesOneResultPerEventAndTheTableEndsAsTheTree(TestCluster cluster) throws Exception {
    String[] topics = Tables.freshTopics(cluster, 3);
    Random random = new Random(42);
    for (String name : NAMES) {
      int size = name.equals("nested/a/empty") ? 0 : name.startsWith("big/") ? 5 << 20 : random.nextInt(10_000);
      byte[] content = new byte[size];
      random.nextBytes(content);
      EventWriter.write(root.resolve(name), content);
    }
    Map<String, List<Long>> expected = new LinkedHashMap<>();
    try (EventWriter events = new EventWriter(cluster, topics[0])) {
      for (String name : NAMES) {
        record(expected, "t/" + name, events.send("t", root, name, ChangeKind.FOUND));
      }
      Files.writeString(root.resolve("plain.txt"), "changed");
      record(expected, "t/plain.txt", events.send("t", root, "plain.txt", ChangeKind.MODIFIED));
      Files.delete(root.resolve("with space.txt"));
      record(expected, "t/with space.txt", events.send("t", root, "with space.txt", ChangeKind.DELETED));
    }

    ConsumerSettings settings =
        ConsumerSettings.of(cluster.bootstrapServers(), cluster.schemaRegistryUrl(), "one", Map.of("t", root))
            .withGroup("group-" + topics[1])
            .withTopics(topics[0], topics[1]);
    try (ConsumerRunner consumer = new ConsumerRunner(settings);
        HashTable table = new HashTable(cluster, topics[1])) {
      await().atMost(DEADLINE).until(() -> Tables.allAnswered(table.poll(), expected));
      assertThat(consumer.failure()).isNull();

      Tables.assertExactlyOnce(table.poll(), expected);
      Map<String, HashTable.Entry> latest = table.latest();
      assertThat(entry(latest, "t/with space.txt").tombstone()).isTrue();
      for (String name : NAMES) {
        if (name.equals("with space.txt")) {
          continue;
        }
        HashResult result = value(entry(latest, "t/" + name));
        assertThat(result.getStatus()).isEqualTo(HashStatus.HASHED);
        assertThat(result.getAlgorithm()).isEqualTo("SHA-256");
        assertThat(digest(result)).as(name).isEqualTo(Tables.sha256(root.resolve(name)));
        assertThat(result.getSize()).isEqualTo(Files.size(root.resolve(name)));
        assertThat(result.getStatusChanged())
            .isEqualTo(((FileTime) Files.getAttribute(root.resolve(name), "unix:ctime")).toInstant());
        assertThat(result.getConsumerId()).isEqualTo("one");
        assertThat(result.getSource().getTopic()).isEqualTo(topics[0]);
      }
    }
  }

  @Test
  void reportsWhatIsNotARegularFileAndRefusesPathsOutOfTheRoot(TestCluster cluster, @TempDir Path outside)
      throws Exception {
    String[] topics = Tables.freshTopics(cluster, 1);
    Path secret = outside.resolve("secret");
    Files.writeString(secret, "not yours");
    Files.createSymbolicLink(root.resolve("link-to-secret"), secret);
    Files.createSymbolicLink(root.resolve("escape"), outside);
    Process mkfifo = new ProcessBuilder("mkfifo", root.resolve("pipe").toString()).start();
    assertThat(mkfifo.waitFor(10, TimeUnit.SECONDS)).isTrue();
    assertThat(mkfifo.exitValue()).isZero();
    Files.createDirectories(root.resolve("dir"));
    Files.writeString(root.resolve("after.txt"), "still processed");

    try (EventWriter events = new EventWriter(cluster, topics[0])) {
      events.send("t", root, "pipe", ChangeKind.CREATED);
      events.send("t", root, "link-to-secret", ChangeKind.CREATED);
      events.send("t", root, "dir", ChangeKind.CREATED);
      events.send("t", root, "escape/secret", ChangeKind.CREATED);
      events.send("t/../secret", events.builder("t", "../secret", ChangeKind.CREATED).build());
      events.send("t/" + secret, events.builder("t", secret.toString(), ChangeKind.CREATED).build());
      events.send("t", root, "gone-before-hashing", ChangeKind.CREATED);
      // Swapped between the event and the hash: a directory for a symlink out of the root, and a
      // regular file for a FIFO (whose open would block for ever without O_NONBLOCK).
      Files.createDirectories(root.resolve("moved"));
      Files.writeString(root.resolve("moved/secret"), "was inside");
      events.send("t", root, "moved/secret", ChangeKind.CREATED);
      Files.writeString(root.resolve("swapped"), "a regular file at first");
      events.send("t", root, "swapped", ChangeKind.CREATED);
      events.send("t", root, "after.txt", ChangeKind.CREATED);
    }
    Files.delete(root.resolve("moved/secret"));
    Files.delete(root.resolve("moved"));
    Files.createSymbolicLink(root.resolve("moved"), outside);
    Files.writeString(outside.resolve("secret"), "outside");
    Files.delete(root.resolve("swapped"));
    Process swap = new ProcessBuilder("mkfifo", root.resolve("swapped").toString()).start();
    assertThat(swap.waitFor(10, TimeUnit.SECONDS)).isTrue();

    ConsumerSettings settings =
        ConsumerSettings.of(cluster.bootstrapServers(), cluster.schemaRegistryUrl(), "safe", Map.of("t", root))
            .withGroup("group-" + topics[1])
            .withTopics(topics[0], topics[1]);
    try (ConsumerRunner consumer = new ConsumerRunner(settings);
        HashTable table = new HashTable(cluster, topics[1])) {
      await()
          .atMost(DEADLINE)
          .until(
              () -> {
                table.poll();
                return table.latest().containsKey("t/after.txt");
              });
      Map<String, HashTable.Entry> latest = table.latest();
      assertThat(consumer.failure()).isNull();

      assertNotRegular(entry(latest, "t/pipe"), FileType.FIFO);
      assertNotRegular(entry(latest, "t/link-to-secret"), FileType.SYMLINK);
      // Not files of the tree: a directory, and paths beneath a directory that is a symbolic link
      // (one there from the start, one swapped in): tombstones, not dead letters.
      for (String notAFile : List.of("t/dir", "t/escape/secret", "t/moved/secret")) {
        assertThat(entry(latest, notAFile).tombstone()).as(notAFile).isTrue();
      }
      assertNotRegular(entry(latest, "t/swapped"), FileType.FIFO);
      assertThat(latest).doesNotContainKeys("t/../secret", "t/" + secret);
      assertThat(entry(latest, "t/gone-before-hashing").tombstone()).isTrue();
      assertThat(value(entry(latest, "t/after.txt")).getStatus()).isEqualTo(HashStatus.HASHED);
      assertThat(latest).hasSize(8);
      // Dead letters are for malformed records only.
      List<ConsumerRecord<byte[], byte[]>> dead = readRaw(cluster, topics[0] + ".dlq", 2);
      assertThat(dead)
          .extracting(r -> header(r, DeadLetterHeaders.REASON_CODE))
          .containsOnly("unsafe-path");
      assertThat(dead)
          .extracting(r -> header(r, DeadLetterHeaders.SOURCE_OFFSET))
          .containsExactly("4", "5");
      assertThat(new String(dead.get(0).key(), StandardCharsets.UTF_8)).isEqualTo("t/../secret");
    }
  }

  @Test
  void deadLettersRecordsThatCanNeverBeDecodedAndGoesOn(TestCluster cluster) throws Exception {
    String[] topics = Tables.freshTopics(cluster, 1);
    Files.writeString(root.resolve("first.txt"), "first");
    Files.writeString(root.resolve("last.txt"), "last");
    try (EventWriter events = new EventWriter(cluster, topics[0])) {
      events.send("t", root, "first.txt", ChangeKind.CREATED);
    }
    byte[] valid = readRaw(cluster, topics[0], 1).get(0).value();
    byte[] unknownId = valid.clone();
    unknownId[1] = 0x7f;
    Map<String, Object> config = cluster.clientConfig();
    try (var raw = new KafkaProducer<>(config, new ByteArraySerializer(), new ByteArraySerializer())) {
      for (byte[] bad :
          List.of(new byte[] {1, 2, 3, 4, 5, 6}, unknownId, java.util.Arrays.copyOf(valid, 9))) {
        raw.send(new ProducerRecord<>(topics[0], "t/bad".getBytes(StandardCharsets.UTF_8), bad))
            .get(30, TimeUnit.SECONDS);
      }
    }
    try (EventWriter events = new EventWriter(cluster, topics[0])) {
      events.send("t", root, "last.txt", ChangeKind.CREATED);
    }
    ConsumerSettings settings =
        ConsumerSettings.of(cluster.bootstrapServers(), cluster.schemaRegistryUrl(), "dlq", Map.of("t", root))
            .withGroup("group-" + topics[1])
            .withTopics(topics[0], topics[1]);
    try (ConsumerRunner consumer = new ConsumerRunner(settings);
        HashTable table = new HashTable(cluster, topics[1])) {
      await().atMost(DEADLINE).until(() -> table.poll().size() >= 2);
      assertThat(table.latest()).containsOnlyKeys("t/first.txt", "t/last.txt");
      List<ConsumerRecord<byte[], byte[]>> dead = readRaw(cluster, topics[0] + ".dlq", 3);
      assertThat(dead).extracting(r -> header(r, DeadLetterHeaders.REASON_CODE)).containsOnly("undecodable");
      assertThat(dead).extracting(r -> header(r, DeadLetterHeaders.SOURCE_OFFSET)).containsExactly("1", "2", "3");
      assertThat(dead).extracting(r -> header(r, DeadLetterHeaders.REASON))
          .anySatisfy(reason -> assertThat(reason).containsIgnoringCase("magic"))
          .anySatisfy(reason -> assertThat(reason).containsIgnoringCase("schema"));
      assertThat(dead.get(0).value()).containsExactly(1, 2, 3, 4, 5, 6);
      assertThat(consumer.failure()).isNull();
    }
  }

  private static List<ConsumerRecord<byte[], byte[]>> readRaw(TestCluster cluster, String topic, int count) {
    Map<String, Object> config = cluster.clientConfig();
    config.put(ConsumerConfig.GROUP_ID_CONFIG, "raw-" + java.util.UUID.randomUUID());
    config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
    try (var consumer = new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      consumer.subscribe(List.of(topic));
      await()
          .atMost(DEADLINE)
          .until(
              () -> {
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
                return records.size() >= count;
              });
    }
    return records;
  }

  private static String header(ConsumerRecord<byte[], byte[]> record, String name) {
    Header header = record.headers().lastHeader(name);
    return header == null ? "" : new String(header.value(), StandardCharsets.UTF_8);
  }

  @Test
  void twoInstancesShareThePartitionsAndScalingOutLosesAndDuplicatesNothing(TestCluster cluster)
      throws Exception {
    String[] topics = Tables.freshTopics(cluster, 4);
    Random random = new Random(7);
    Map<String, List<Long>> expected = new HashMap<>();
    ConsumerSettings first =
        ConsumerSettings.of(cluster.bootstrapServers(), cluster.schemaRegistryUrl(), "first", Map.of("t", root))
            .withGroup("group-" + topics[1])
            .withTopics(topics[0], topics[1]);
    ConsumerSettings second =
        ConsumerSettings.of(cluster.bootstrapServers(), cluster.schemaRegistryUrl(), "second", Map.of("t", root))
            .withGroup("group-" + topics[1])
            .withTopics(topics[0], topics[1]);
    try (EventWriter events = new EventWriter(cluster, topics[0]);
        HashTable table = new HashTable(cluster, topics[1]);
        ConsumerRunner one = new ConsumerRunner(first)) {
      sendWave(events, random, expected, 0, 150);
      await().atMost(DEADLINE).until(() -> table.poll().size() >= 50);
      try (ConsumerRunner two = new ConsumerRunner(second)) {
        // Scaling out: the group moves partitions to the new instance while the first keeps going.
        await().atMost(DEADLINE).until(() -> two.assignedPartitions() > 0);
        sendWave(events, random, expected, 150, 300);
        await().atMost(DEADLINE).until(() -> Tables.allAnswered(table.poll(), expected));
        assertThat(one.failure()).isNull();
        assertThat(two.failure()).isNull();
        Tables.assertExactlyOnce(table.poll(), expected);
        assertThat(table.poll()).extracting(e -> e.value() == null ? "" : e.value().getConsumerId())
            .contains("first", "second");
        for (Map.Entry<String, HashTable.Entry> entry : table.latest().entrySet()) {
          Path file = root.resolve(entry.getKey().substring(2));
          assertThat(digest(value(entry.getValue()))).isEqualTo(Tables.sha256(file));
        }
      }
    }
  }

  @Test
  void aFileRewrittenWhileHashedEndsWithItsFinalDigest(TestCluster cluster) throws Exception {
    String[] topics = Tables.freshTopics(cluster, 1);
    Path file = root.resolve("growing.log");
    EventWriter.write(file, new byte[0]);
    ConsumerSettings settings =
        ConsumerSettings.of(cluster.bootstrapServers(), cluster.schemaRegistryUrl(), "rewrite", Map.of("t", root))
            .withGroup("group-" + topics[1])
            .withTopics(topics[0], topics[1]);
    Random random = new Random(3);
    try (EventWriter events = new EventWriter(cluster, topics[0]);
        ConsumerRunner consumer = new ConsumerRunner(settings);
        HashTable table = new HashTable(cluster, topics[1])) {
      // A writer appends while events for the file keep coming, as a producer would send them.
      Map<String, List<Long>> expected = new HashMap<>();
      for (int round = 0; round < 40; round++) {
        byte[] chunk = new byte[64 * 1024 + random.nextInt(256 * 1024)];
        random.nextBytes(chunk);
        Files.write(file, chunk, java.nio.file.StandardOpenOption.APPEND);
        record(expected, "t/growing.log", events.send("t", root, "growing.log", ChangeKind.MODIFIED));
      }
      record(expected, "t/growing.log", events.send("t", root, "growing.log", ChangeKind.MODIFIED));
      byte[] finalDigest = Tables.sha256(file);
      await().atMost(DEADLINE).until(() -> Tables.allAnswered(table.poll(), expected));
      assertThat(consumer.failure()).isNull();
      Tables.assertExactlyOnce(table.poll(), expected);
      assertThat(table.poll())
          .extracting(entry -> value(entry).getStatus())
          .isSubsetOf(HashStatus.HASHED, HashStatus.UNSTABLE);
      HashResult last = value(entry(table.latest(), "t/growing.log"));
      assertThat(last.getStatus()).isEqualTo(HashStatus.HASHED);
      assertThat(digest(last)).isEqualTo(finalDigest);
    }
  }

  @Test
  void refusesAHashTopicThatIsNotPurelyCompacted(TestCluster cluster) throws Exception {
    String[] topics = Tables.freshTopics(cluster, 1);
    try (Admin admin = Admin.create(cluster.clientConfig())) {
      admin
          .createTopics(
              List.of(
                  new NewTopic(topics[1], 1, (short) 1)
                      .configs(Map.of("cleanup.policy", "compact,delete"))))
          .all()
          .get(30, TimeUnit.SECONDS);
    }
    ConsumerSettings settings =
        ConsumerSettings.of(cluster.bootstrapServers(), cluster.schemaRegistryUrl(), "strict", Map.of("t", root))
            .withGroup("group-" + topics[1])
            .withTopics(topics[0], topics[1]);
    try (ConsumerRunner consumer = new ConsumerRunner(settings)) {
      assertThat(consumer.awaitEnd(DEADLINE))
          .isInstanceOf(ConsumerStoppedException.class)
          .hasMessage(
              "the hash topic "
                  + topics[1]
                  + " has cleanup.policy=compact,delete; hashstream needs cleanup.policy=compact"
                  + " alone (deletion would drop the digests of files that did not change)");
    }
  }

  private void sendWave(
      EventWriter events, Random random, Map<String, List<Long>> expected, int from, int to)
      throws Exception {
    for (int i = from; i < to; i++) {
      String name = "f" + random.nextInt(60) + ".dat";
      byte[] content = new byte[random.nextInt(4096)];
      random.nextBytes(content);
      EventWriter.write(root.resolve(name), content);
      record(expected, "t/" + name, events.send("t", root, name, ChangeKind.MODIFIED));
    }
  }

  private static HashTable.Entry entry(Map<String, HashTable.Entry> latest, String key) {
    HashTable.Entry entry = latest.get(key);
    assertThat(entry).as("the table's entry for %s", key).isNotNull();
    return Objects.requireNonNull(entry);
  }

  private static HashResult value(HashTable.Entry entry) {
    return Objects.requireNonNull(entry.value(), () -> entry.key() + " is a tombstone");
  }

  private static byte[] digest(HashResult result) {
    return Tables.bytes(Objects.requireNonNull(result.getDigest(), "the result has no digest"));
  }

  private static void assertNotRegular(HashTable.Entry entry, FileType type) {
    HashResult result = value(entry);
    assertThat(result.getStatus()).isEqualTo(HashStatus.NOT_REGULAR_FILE);
    assertThat(result.getFileType()).isEqualTo(type);
    assertThat(result.getDigest()).isNull();
  }

  private static void record(Map<String, List<Long>> expected, String key, RecordMetadata metadata) {
    expected.computeIfAbsent(key, k -> new ArrayList<>()).add(metadata.offset());
  }
}
