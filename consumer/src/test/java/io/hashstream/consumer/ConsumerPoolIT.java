package io.hashstream.consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.hashstream.schemas.avro.ChangeKind;
import io.hashstream.schemas.avro.FileChangeEvent;
import io.hashstream.schemas.avro.HashResult;
import io.hashstream.schemas.serde.AvroSerializer;
import io.hashstream.schemas.serde.SerdeConfig;
import io.hashstream.testsupport.SharedRuntime;
import io.hashstream.testsupport.TcpProxy;
import io.hashstream.testsupport.TestCluster;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.utils.Utils;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The hashing pool against the real broker and registry: many small files, a huge one that takes
 * longer than the poll interval, a rebalance in the middle of a hash, the registry gone for a while,
 * and events for a root nobody configured.
 */
@ExtendWith(SharedRuntime.class)
class ConsumerPoolIT {
  private static final Duration DEADLINE = Duration.ofMinutes(3);
  private static final String THROTTLE = "hashstream.test.hash-bytes-per-second";

  @TempDir Path root;

  @Test
  void tenThousandSmallFilesAreHashedExactlyOnceByThePool(TestCluster cluster) throws Exception {
    String[] topics = Tables.freshTopics(cluster, 4);
    Random random = new Random(10_000);
    List<String> names = new ArrayList<>();
    for (int i = 0; i < 10_000; i++) {
      String name = "d" + (i % 100) + "/f" + i + ".bin";
      byte[] content = new byte[1024 + random.nextInt(4096)];
      random.nextBytes(content);
      EventWriter.write(root.resolve(name), content);
      names.add(name);
    }
    Map<String, List<Long>> expected = new HashMap<>();
    try (EventWriter events = new EventWriter(cluster, topics[0])) {
      List<Future<RecordMetadata>> sent = new ArrayList<>();
      List<String> sentNames = new ArrayList<>();
      for (String name : names) {
        sent.add(events.sendLater("t", root, name, ChangeKind.FOUND));
        sentNames.add(name);
      }
      // Some files change again at once: their two events may be answered by one hash.
      for (int i = 0; i < 500; i++) {
        String name = names.get(random.nextInt(names.size()));
        Files.write(root.resolve(name), ("changed " + i).getBytes(StandardCharsets.UTF_8));
        sent.add(events.sendLater("t", root, name, ChangeKind.MODIFIED));
        sentNames.add(name);
      }
      for (int i = 0; i < sent.size(); i++) {
        record(expected, "t/" + sentNames.get(i), sent.get(i).get(60, TimeUnit.SECONDS));
      }
    }
    expected.values().forEach(offsets -> offsets.sort(null));

    ConsumerSettings settings = settings(cluster, topics, "pool").withHashingThreads(4);
    try (ConsumerRunner consumer = new ConsumerRunner(settings);
        HashTable table = new HashTable(cluster, topics[1])) {
      await()
          .atMost(DEADLINE)
          .failFast("the consumer stopped", () -> consumer.failure() != null)
          .until(() -> Tables.allAnswered(table.poll(), expected));
      List<HashTable.Entry> entries = table.poll();
      Tables.assertExactlyOnce(entries, expected);
      assertThat(table.latest()).hasSize(names.size());
      for (String name : names) {
        HashResult result = value(table.latest(), "t/" + name);
        assertThat(Tables.bytes(Objects.requireNonNull(result.getDigest())))
            .as(name)
            .isEqualTo(Tables.sha256(root.resolve(name)));
      }
      assertThat(consumer.count("hashstream.consumer.events.covered"))
          .isEqualTo(Tables.covered(entries, expected));
    }
  }

  @Test
  void aFileThatTakesLongerThanThePollIntervalHoldsOnlyItsPartition(TestCluster cluster) throws Exception {
    String[] topics = Tables.freshTopics(cluster, 2);
    String huge = nameIn(0, "huge");
    byte[] content = new byte[12 << 20];
    new Random(12).nextBytes(content);
    EventWriter.write(root.resolve(huge), content);
    Map<String, List<Long>> behindHuge = new HashMap<>();
    Map<String, List<Long>> otherPartition = new HashMap<>();
    Map<String, List<Long>> all = new HashMap<>();
    try (EventWriter events = new EventWriter(cluster, topics[0])) {
      record(all, "t/" + huge, events.send("t", root, huge, ChangeKind.FOUND));
      for (int i = 0; i < 20; i++) {
        String name = nameIn(i % 2, "small-" + i);
        Files.writeString(root.resolve(name), "small " + i);
        RecordMetadata metadata = events.send("t", root, name, ChangeKind.FOUND);
        record(metadata.partition() == 0 ? behindHuge : otherPartition, "t/" + name, metadata);
        record(all, "t/" + name, metadata);
      }
    }
    // 12 MiB at 1 MiB/s: six times the poll interval below.
    ConsumerSettings settings =
        settings(cluster, topics, "slow")
            .withHashingThreads(2)
            .withClientProperties(Map.of(ConsumerConfig.MAX_POLL_INTERVAL_MS_CONFIG, "2000"));
    try (ConsumerRunner consumer = throttled(() -> new ConsumerRunner(settings), 1 << 20);
        HashTable table = new HashTable(cluster, topics[1])) {
      await()
          .atMost(DEADLINE)
          .failFast("the consumer stopped", () -> consumer.failure() != null)
          .until(() -> Tables.allAnswered(table.poll(), otherPartition));
      // The other partition committed while the huge file was still being read; nothing behind it did.
      assertThat(table.latest()).doesNotContainKey("t/" + huge);
      assertThat(table.latest().keySet()).doesNotContainAnyElementsOf(behindHuge.keySet());

      await()
          .atMost(DEADLINE)
          .failFast("the consumer stopped", () -> consumer.failure() != null)
          .until(() -> Tables.allAnswered(table.poll(), all));
      Tables.assertExactlyOnce(table.poll(), all);
      assertThat(Tables.bytes(Objects.requireNonNull(value(table.latest(), "t/" + huge).getDigest())))
          .isEqualTo(Tables.sha256(root.resolve(huge)));
      // It kept polling: the group never took its partitions away.
      assertThat(consumer.count("hashstream.consumer.partitions.revoked")).isZero();
      assertThat(consumer.assignedPartitions()).isEqualTo(2);
    }
  }

  @Test
  void aRebalanceDoesNotWaitForAHashInProgress(TestCluster cluster) throws Exception {
    String[] topics = Tables.freshTopics(cluster, 2);
    String huge = nameIn(0, "huge");
    byte[] content = new byte[24 << 20];
    new Random(24).nextBytes(content);
    EventWriter.write(root.resolve(huge), content);
    String small = nameIn(1, "small");
    Files.writeString(root.resolve(small), "small");
    Map<String, List<Long>> expected = new HashMap<>();
    try (EventWriter events = new EventWriter(cluster, topics[0])) {
      record(expected, "t/" + huge, events.send("t", root, huge, ChangeKind.FOUND));
      record(expected, "t/" + small, events.send("t", root, small, ChangeKind.FOUND));
    }
    String group = "group-" + topics[1];
    // 24 MiB at 1 MiB/s: the first instance is busy with the file for 24 s.
    try (ConsumerRunner first =
            throttled(() -> new ConsumerRunner(settings(cluster, topics, "first").withGroup(group)), 1 << 20);
        HashTable table = new HashTable(cluster, topics[1])) {
      await().atMost(DEADLINE).until(() -> table.poll().stream().anyMatch(e -> e.key().equals("t/" + small)));
      assertThat(table.latest()).doesNotContainKey("t/" + huge);
      try (ConsumerRunner second = new ConsumerRunner(settings(cluster, topics, "second").withGroup(group))) {
        // The join completes while the first instance's hash has most of its 24 s to go.
        await().atMost(Duration.ofSeconds(12)).until(() -> second.assignedPartitions() == 1);
        assertThat(first.assignedPartitions()).isEqualTo(1);
        await()
            .atMost(DEADLINE)
            .failFast("an instance stopped", () -> first.failure() != null || second.failure() != null)
            .until(() -> Tables.allAnswered(table.poll(), expected));
        Tables.assertExactlyOnce(table.poll(), expected);
        assertThat(Tables.bytes(Objects.requireNonNull(value(table.latest(), "t/" + huge).getDigest())))
            .isEqualTo(Tables.sha256(root.resolve(huge)));
      }
    }
  }

  @Test
  void aRegistryOutageDelaysEventsAndDeadLettersNone(TestCluster cluster) throws Exception {
    String[] topics = Tables.freshTopics(cluster, 1);
    Files.writeString(root.resolve("before.txt"), "before");
    Map<String, List<Long>> expected = new HashMap<>();
    try (TcpProxy proxy = TcpProxy.before(cluster.schemaRegistryUrl());
        EventWriter events = new EventWriter(cluster, topics[0])) {
      ConsumerSettings settings = throughRegistryProxy(cluster, proxy, "outage", topics);
      record(expected, "t/before.txt", events.send("t", root, "before.txt", ChangeKind.FOUND));
      try (ConsumerRunner consumer = new ConsumerRunner(settings);
          HashTable table = new HashTable(cluster, topics[1])) {
        await().atMost(DEADLINE).until(() -> Tables.allAnswered(table.poll(), expected));
        proxy.down();
        // Events of a newer writer schema: the consumer must ask the registry for it, and cannot.
        List<String> later = List.of("during-1.txt", "during-2.txt", "during-3.txt");
        try (GenericWriter writer = new GenericWriter(cluster, topics[0])) {
          for (String name : later) {
            Files.writeString(root.resolve(name), name);
            record(expected, "t/" + name, writer.send("t", name));
          }
        }
        await().atMost(DEADLINE).until(() -> consumer.count("hashstream.consumer.registry.unavailable") >= 2);
        assertThat(table.poll()).extracting(HashTable.Entry::key).containsExactly("t/before.txt");
        proxy.up();
        awaitAllAnsweredOnce(consumer, table, expected);
        assertThat(endOffset(cluster, topics[0] + ".dlq")).isZero();
      }
    }
  }

  @Test
  void aHeldCommitPausesReadingSoAnswersWaitingForItStayBounded(TestCluster cluster) throws Exception {
    String[] topics = Tables.freshTopics(cluster, 1);
    // The result schema registered beforehand: the consumer below only looks it up, again after a
    // second, so that serializing results needs the registry while its proxy is down.
    AvroSerializer<HashResult> registering = new AvroSerializer<>();
    registering.configure(Map.of(SerdeConfig.SCHEMA_REGISTRY_URL, cluster.schemaRegistryUrl()), false);
    registering.prepare(topics[1], HashResult.getClassSchema());
    registering.close();
    int batch = 10;
    Map<String, List<Long>> expected = new HashMap<>();
    try (TcpProxy proxy = TcpProxy.before(cluster.schemaRegistryUrl());
        EventWriter events = new EventWriter(cluster, topics[0])) {
      ConsumerSettings settings =
          throughRegistryProxy(cluster, proxy, "held", topics)
              .withBatch(batch, Duration.ofMillis(200))
              .withClientProperties(
                  Map.of(
                      SerdeConfig.AUTO_REGISTER_SCHEMAS, "false",
                      SerdeConfig.USE_LATEST_VERSION, "true",
                      SerdeConfig.LATEST_CACHE_TTL_SEC, "1"));
      Files.writeString(root.resolve("first.txt"), "first");
      record(expected, "t/first.txt", events.send("t", root, "first.txt", ChangeKind.FOUND));
      try (ConsumerRunner consumer = new ConsumerRunner(settings);
          HashTable table = new HashTable(cluster, topics[1])) {
        await().atMost(DEADLINE).until(() -> Tables.allAnswered(table.poll(), expected));
        proxy.down();
        // More answers, until a commit finds the registry gone (once the looked-up schema expired).
        List<String> probes = new ArrayList<>();
        await()
            .atMost(DEADLINE)
            .pollInterval(Duration.ofMillis(500))
            .until(
                () -> {
                  if (consumer.count("hashstream.consumer.registry.unavailable") >= 1) {
                    return true;
                  }
                  String probe = "probe-" + probes.size();
                  probes.add(probe);
                  Files.writeString(root.resolve(probe), probe);
                  record(expected, "t/" + probe, events.send("t", root, probe, ChangeKind.FOUND));
                  return false;
                });
        int waiting = 20 * batch;
        for (int i = 0; i < waiting; i++) {
          Files.writeString(root.resolve("held-" + i), "held " + i);
          record(expected, "t/held-" + i, events.send("t", root, "held-" + i, ChangeKind.FOUND));
        }
        // Reading stops at about twice a batch of answers waiting for the commit, not at all of them.
        await()
            .during(Duration.ofSeconds(5))
            .atMost(Duration.ofSeconds(10))
            .until(() -> consumer.hashed() <= 1 + probes.size() + 3 * batch);
        proxy.up();
        awaitAllAnsweredOnce(consumer, table, expected);
        assertThat(consumer.hashed()).isGreaterThanOrEqualTo(1 + probes.size() + waiting);
      }
    }
  }

  @Test
  void anUnknownRootHoldsItsPartitionUnlessDeadLetteringIsChosen(TestCluster cluster) throws Exception {
    String[] topics = Tables.freshTopics(cluster, 1);
    Files.writeString(root.resolve("first.txt"), "first");
    Files.writeString(root.resolve("last.txt"), "last");
    long unknownOffset;
    Map<String, List<Long>> expected = new HashMap<>();
    try (EventWriter events = new EventWriter(cluster, topics[0])) {
      record(expected, "t/first.txt", events.send("t", root, "first.txt", ChangeKind.FOUND));
      FileChangeEvent elsewhere = events.builder("elsewhere", "x.txt", ChangeKind.FOUND).build();
      unknownOffset = events.send("elsewhere/x.txt", elsewhere).offset();
      record(expected, "t/last.txt", events.send("t", root, "last.txt", ChangeKind.FOUND));
    }
    String group = "group-" + topics[1];
    ConsumerSettings settings = settings(cluster, topics, "holding").withGroup(group);
    try (HashTable table = new HashTable(cluster, topics[1]);
        Admin admin = Admin.create(cluster.clientConfig())) {
      try (ConsumerRunner consumer = new ConsumerRunner(settings)) {
        await().atMost(DEADLINE).until(() -> consumer.count("hashstream.consumer.events.unknown.root") > 0);
        await().atMost(DEADLINE).until(() -> committed(admin, group, topics[0]) == unknownOffset);
        // Held: nothing past the event is committed while the instance runs on.
        await()
            .during(Duration.ofSeconds(3))
            .atMost(Duration.ofSeconds(10))
            .until(() -> committed(admin, group, topics[0]) == unknownOffset && consumer.isRunning());
        assertThat(table.poll()).extracting(HashTable.Entry::key).containsExactly("t/first.txt");
      }
      try (ConsumerRunner consumer =
          new ConsumerRunner(settings.withUnknownRoots(UnknownRootPolicy.DEAD_LETTER))) {
        await().atMost(DEADLINE).until(() -> Tables.allAnswered(table.poll(), expected));
        Tables.assertExactlyOnce(table.poll(), expected);
        // One record, then the transaction's commit marker.
        await().atMost(DEADLINE).until(() -> endOffset(cluster, topics[0] + ".dlq") == 2);
        assertThat(consumer.count("hashstream.consumer.dead.lettered")).isEqualTo(1);
      }
    }
  }

  private ConsumerSettings settings(TestCluster cluster, String[] topics, String instance) {
    return ConsumerSettings.of(cluster.bootstrapServers(), cluster.schemaRegistryUrl(), instance, Map.of("t", root))
        .withGroup("group-" + topics[1])
        .withTopics(topics[0], topics[1]);
  }

  /** An instance whose hashing threads read at most {@code bytesPerSecond} each. */
  private static ConsumerRunner throttled(Supplier<ConsumerRunner> start, int bytesPerSecond) {
    System.setProperty(THROTTLE, Integer.toString(bytesPerSecond));
    try {
      return start.get();
    } finally {
      System.clearProperty(THROTTLE);
    }
  }

  /** A file name whose key lands in {@code partition} of a two-partition events topic. */
  private static String nameIn(int partition, String prefix) {
    for (int i = 0; ; i++) {
      String name = prefix + "-" + i + ".bin";
      byte[] key = ("t/" + name).getBytes(StandardCharsets.UTF_8);
      // Kafka's default partitioner for keyed records.
      if (Utils.toPositive(Utils.murmur2(key)) % 2 == partition) {
        return name;
      }
    }
  }

  private static void awaitAllAnsweredOnce(
      ConsumerRunner consumer, HashTable table, Map<String, List<Long>> expected) {
    await()
        .atMost(DEADLINE)
        .failFast("the consumer stopped", () -> consumer.failure() != null)
        .until(() -> Tables.allAnswered(table.poll(), expected));
    Tables.assertExactlyOnce(table.poll(), expected);
  }

  private ConsumerSettings throughRegistryProxy(
      TestCluster cluster, TcpProxy proxy, String instance, String[] topics) {
    return ConsumerSettings.of(
            cluster.bootstrapServers(), proxy.through(cluster.schemaRegistryUrl()), instance, Map.of("t", root))
        .withGroup("group-" + topics[1])
        .withTopics(topics[0], topics[1]);
  }

  private static long committed(Admin admin, String group, String topic) throws Exception {
    Map<TopicPartition, OffsetAndMetadata> offsets =
        admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get(30, TimeUnit.SECONDS);
    OffsetAndMetadata offset = offsets.get(new TopicPartition(topic, 0));
    return offset == null ? -1 : offset.offset();
  }

  private static long endOffset(TestCluster cluster, String topic) throws Exception {
    try (Admin admin = Admin.create(cluster.clientConfig())) {
      TopicPartition partition = new TopicPartition(topic, 0);
      return admin.listOffsets(Map.of(partition, OffsetSpec.latest()))
          .partitionResult(partition)
          .get(30, TimeUnit.SECONDS)
          .offset();
    }
  }

  private static HashResult value(Map<String, HashTable.Entry> latest, String key) {
    HashTable.Entry entry = Objects.requireNonNull(latest.get(key), key);
    return Objects.requireNonNull(entry.value(), key + " is a tombstone");
  }

  private static void record(Map<String, List<Long>> expected, String key, RecordMetadata metadata) {
    expected.computeIfAbsent(key, k -> new ArrayList<>()).add(metadata.offset());
  }

  /**
   * Writes events with a newer version of the event schema (one more optional field), which the
   * registry gives a new id: a consumer that has not seen the id must ask the registry for it.
   */
  private static final class GenericWriter implements AutoCloseable {
    private final String topic;
    private final Schema schema;
    private final KafkaProducer<String, GenericRecord> producer;

    GenericWriter(TestCluster cluster, String topic) {
      this.topic = topic;
      Schema base = FileChangeEvent.getClassSchema();
      List<Schema.Field> fields = new ArrayList<>();
      for (Schema.Field field : base.getFields()) {
        fields.add(new Schema.Field(field, field.schema()));
      }
      fields.add(
          new Schema.Field(
              "note", SchemaBuilder.unionOf().nullType().and().stringType().endUnion(), null, Schema.Field.NULL_DEFAULT_VALUE));
      schema = Schema.createRecord(base.getName(), base.getDoc(), base.getNamespace(), false, fields);
      AvroSerializer<GenericRecord> serializer = new AvroSerializer<>();
      serializer.configure(Map.of(SerdeConfig.SCHEMA_REGISTRY_URL, cluster.schemaRegistryUrl()), false);
      producer = new KafkaProducer<>(cluster.clientConfig(), new StringSerializer(), serializer);
    }

    RecordMetadata send(String rootName, String path) throws Exception {
      GenericRecord event = new GenericData.Record(schema);
      event.put("eventId", UUID.randomUUID().toString());
      event.put("producerId", "generic-writer");
      event.put("root", rootName);
      event.put("path", path);
      event.put("kind", new GenericData.EnumSymbol(schema.getField("kind").schema(), "FOUND"));
      event.put("epoch", 1L);
      event.put("sequence", 0L);
      event.put("detectedAt", ChronoUnit.MICROS.between(Instant.EPOCH, Instant.now()));
      event.put("note", "written while the registry was away");
      return producer.send(new ProducerRecord<>(topic, rootName + "/" + path, event)).get(30, TimeUnit.SECONDS);
    }

    @Override
    public void close() {
      producer.close();
    }
  }
}
