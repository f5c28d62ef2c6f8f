package io.hashstream.consumer.verify;

import io.hashstream.schemas.TrustedAvroClasses;
import io.hashstream.schemas.avro.HashResult;
import io.hashstream.schemas.serde.AvroDeserializer;
import io.hashstream.schemas.serde.SerdeConfig;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * The table as a downstream reader sees it: the hash topic read with {@code read_committed} from its
 * beginning to the end it had when the read began, the latest value per key, tombstones removing
 * theirs. Without a consumer group: nothing is committed. Only the keys of the given roots are
 * decoded, so the records of other producers' roots cost their key, not their value.
 */
final class TableSnapshot {
  private static final Duration POLL = Duration.ofMillis(500);

  private TableSnapshot() {}

  /**
   * The entries of {@code roots}: per root, per relative path.
   *
   * @throws VerifyException if the topic does not exist
   */
  static Map<String, Map<String, TableEntry>> read(VerifySettings settings, Set<String> roots) {
    TrustedAvroClasses.install();
    Map<String, Object> config = new HashMap<>(settings.clientProperties());
    config.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, settings.bootstrapServers());
    config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    config.putIfAbsent(ConsumerConfig.CLIENT_ID_CONFIG, "hashstream-verify-" + UUID.randomUUID());
    config.putIfAbsent(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 30_000);
    Map<String, Object> serde = new HashMap<>(settings.clientProperties());
    serde.put(SerdeConfig.SCHEMA_REGISTRY_URL, settings.schemaRegistryUrl());
    Map<String, Map<String, TableEntry>> entries = new HashMap<>();
    roots.forEach(root -> entries.put(root, new HashMap<>()));
    String topic = settings.hashesTopic();
    try (AvroDeserializer<HashResult> values = new AvroDeserializer<>(HashResult.class);
        KafkaConsumer<byte[], byte[]> consumer =
            new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      values.configure(serde, false);
      List<TopicPartition> partitions =
          consumer.partitionsFor(topic).stream().map(info -> new TopicPartition(topic, info.partition())).toList();
      if (partitions.isEmpty()) {
        throw new VerifyException("the hash topic " + topic + " does not exist: has a consumer group run against this cluster?");
      }
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
      while (end.entrySet().stream().anyMatch(e -> consumer.position(e.getKey()) < e.getValue())) {
        for (ConsumerRecord<byte[], byte[]> record : consumer.poll(POLL)) {
          take(record, entries, values);
        }
      }
    }
    return entries;
  }

  private static void take(
      ConsumerRecord<byte[], byte[]> record,
      Map<String, Map<String, TableEntry>> entries,
      AvroDeserializer<HashResult> values) {
    byte[] keyBytes = record.key();
    if (keyBytes == null) {
      return;
    }
    String key = new String(keyBytes, StandardCharsets.UTF_8);
    int slash = key.indexOf('/');
    if (slash <= 0) {
      return;
    }
    Map<String, TableEntry> root = entries.get(key.substring(0, slash));
    if (root == null) {
      return;
    }
    String path = key.substring(slash + 1);
    if (record.value() == null) {
      root.remove(path);
      return;
    }
    HashResult value = values.deserialize(record.topic(), record.headers(), record.value());
    if (value != null) {
      root.put(path, TableEntry.of(value));
    }
  }
}
