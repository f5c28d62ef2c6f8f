package io.hashstream.consumer.verify;

import io.hashstream.schemas.avro.HashResult;
import io.hashstream.schemas.serde.AvroDeserializer;
import io.hashstream.schemas.serde.SerdeConfig;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The table of an instance's roots, followed as the group writes it ({@code read_committed}, no
 * consumer group), kept per partition of the events topic and in a fixed pseudo-random order of
 * keys, so each partition's entries can be walked in passes from a cursor that is just a key.
 *
 * <p>The follower thread owns the Kafka client ({@link #follow}); the verifier reads entries
 * through {@link #next}; {@link #wakeup} may come from any thread.
 */
final class LiveTable implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(LiveTable.class);
  private static final Duration POLL = Duration.ofMillis(500);
  private static final Duration TOPIC_WAIT = Duration.ofSeconds(2);

  /** Where a key stands in a pass: by a hash of the key, then by the key. */
  record Order(long rank, String key) implements Comparable<Order> {
    static Order of(String key) {
      long hash = 0xcbf29ce484222325L;
      for (byte b : key.getBytes(StandardCharsets.UTF_8)) {
        hash = (hash ^ (b & 0xff)) * 0x100000001b3L;
      }
      hash = (hash ^ (hash >>> 30)) * 0xbf58476d1ce4e5b9L;
      hash = (hash ^ (hash >>> 27)) * 0x94d049bb133111ebL;
      return new Order(hash ^ (hash >>> 31), key);
    }

    @Override
    public int compareTo(Order other) {
      int byRank = Long.compare(rank, other.rank);
      return byRank != 0 ? byRank : key.compareTo(other.key);
    }
  }

  /** An entry and where it stands. */
  record Next(Order order, String root, String path, TableEntry entry) {}

  private final KafkaConsumer<byte[], byte[]> consumer;
  private final AvroDeserializer<HashResult> values;
  private final String topic;
  private final Set<String> roots;
  /** Set by the follower thread before it reads a record. */
  private int eventPartitions;
  /** Guarded by {@code this}. */
  private final Map<Integer, TreeMap<Order, TableEntry>> byPartition = new HashMap<>();
  private volatile boolean caughtUp;

  LiveTable(
      String bootstrapServers,
      String registryUrl,
      Map<String, String> clientProperties,
      String hashesTopic,
      Set<String> roots) {
    Map<String, Object> config = new HashMap<>(clientProperties);
    config.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    config.remove(ConsumerConfig.GROUP_ID_CONFIG);
    config.put(ConsumerConfig.CLIENT_ID_CONFIG, "hashstream-verify-table-" + UUID.randomUUID());
    Map<String, Object> serde = new HashMap<>(clientProperties);
    serde.put(SerdeConfig.SCHEMA_REGISTRY_URL, registryUrl);
    this.values = new AvroDeserializer<>(HashResult.class);
    values.configure(serde, false);
    this.consumer = new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    this.topic = hashesTopic;
    this.roots = Set.copyOf(roots);
  }

  /**
   * Waits until both topics exist, reads the table from its beginning, then follows it until
   * {@link #wakeup}.
   */
  void follow(String eventsTopic) throws InterruptedException {
    try {
      int events;
      while ((events = consumer.partitionsFor(eventsTopic).size()) == 0 || consumer.partitionsFor(topic).isEmpty()) {
        Thread.sleep(TOPIC_WAIT);
      }
      eventPartitions = events;
      List<TopicPartition> partitions =
          consumer.partitionsFor(topic).stream().map(info -> new TopicPartition(topic, info.partition())).toList();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
      while (true) {
        for (ConsumerRecord<byte[], byte[]> record : consumer.poll(POLL)) {
          take(record);
        }
        if (!caughtUp && end.entrySet().stream().allMatch(e -> consumer.position(e.getKey()) >= e.getValue())) {
          caughtUp = true;
        }
      }
    } catch (WakeupException e) {
      // Closing.
    }
  }

  private void take(ConsumerRecord<byte[], byte[]> record) {
    byte[] keyBytes = record.key();
    if (keyBytes == null) {
      return;
    }
    String key = new String(keyBytes, StandardCharsets.UTF_8);
    int slash = key.indexOf('/');
    if (slash <= 0 || !roots.contains(key.substring(0, slash))) {
      return;
    }
    TableEntry entry = null;
    if (record.value() != null) {
      HashResult value;
      try {
        value = values.deserialize(record.topic(), record.headers(), record.value());
      } catch (SerializationException e) {
        // Not a result this version can read: nothing to verify it against.
        LOG.debug("verify: the table's record {}-{}@{} cannot be read: {}", record.topic(), record.partition(), record.offset(), e.getMessage());
        return;
      }
      entry = value == null ? null : TableEntry.of(value);
    }
    int partition = EventPartitions.of(key, eventPartitions);
    Order order = Order.of(key);
    synchronized (this) {
      if (entry == null) {
        TreeMap<Order, TableEntry> entries = byPartition.get(partition);
        if (entries != null) {
          entries.remove(order);
        }
      } else {
        byPartition.computeIfAbsent(partition, _ -> new TreeMap<>()).put(order, entry);
      }
    }
  }

  /** Whether the table was read to the end it had at the start. */
  boolean caughtUp() {
    return caughtUp;
  }

  /** The entry of {@code partition} after {@code after} in a pass (the first if null), or null at the end. */
  synchronized @Nullable Next next(int partition, @Nullable Order after) {
    TreeMap<Order, TableEntry> entries = byPartition.get(partition);
    if (entries == null) {
      return null;
    }
    Map.Entry<Order, TableEntry> next = after == null ? entries.firstEntry() : entries.higherEntry(after);
    if (next == null) {
      return null;
    }
    String key = next.getKey().key();
    int slash = key.indexOf('/');
    return new Next(next.getKey(), key.substring(0, slash), key.substring(slash + 1), next.getValue());
  }

  /** How many entries the partitions hold. */
  synchronized long size(Collection<Integer> partitions) {
    long size = 0;
    for (int partition : partitions) {
      TreeMap<Order, TableEntry> entries = byPartition.get(partition);
      size += entries == null ? 0 : entries.size();
    }
    return size;
  }

  void wakeup() {
    consumer.wakeup();
  }

  @Override
  public void close() {
    try (values) {
      consumer.close();
    }
  }
}
