package io.hashstream.cli;

import io.hashstream.schemas.TrustedAvroClasses;
import io.hashstream.schemas.avro.HashResult;
import io.hashstream.schemas.serde.AvroDeserializer;
import io.hashstream.schemas.serde.SerdeConfig;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.BiConsumer;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.jspecify.annotations.Nullable;

/**
 * Reads the hash topic as a downstream reader: {@code read_committed}, without a consumer group
 * (partitions assigned, nothing committed), from the beginning or from the end. Owned by the
 * thread that calls {@link #follow} or {@link #readToEnd}; {@link #wakeup} may come from another.
 */
final class HashTopicReader implements AutoCloseable {
  private static final Duration POLL = Duration.ofMillis(500);
  private final KafkaConsumer<String, HashResult> consumer;
  private final String topic;

  HashTopicReader(String bootstrapServers, String registryUrl, Map<String, String> clientProperties, String topic) {
    TrustedAvroClasses.install();
    this.topic = topic;
    Map<String, Object> config = new HashMap<>(clientProperties);
    config.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    config.putIfAbsent(ConsumerConfig.CLIENT_ID_CONFIG, "hashstream-tail-" + UUID.randomUUID());
    Map<String, Object> serde = new HashMap<>(clientProperties);
    serde.put(SerdeConfig.SCHEMA_REGISTRY_URL, registryUrl);
    AvroDeserializer<HashResult> values = new AvroDeserializer<>(HashResult.class);
    values.configure(serde, false);
    consumer = new KafkaConsumer<>(config, new StringDeserializer(), values);
  }

  /** Whether the topic exists now. */
  boolean exists() {
    return !consumer.partitionsFor(topic, Duration.ofSeconds(30)).isEmpty();
  }

  /** Waits until the topic exists (or {@code stopping}), then assigns all its partitions. */
  boolean assign(boolean fromBeginning, BooleanSupplier stopping) {
    List<TopicPartition> partitions = List.of();
    while (partitions.isEmpty() && !stopping.getAsBoolean()) {
      List<PartitionInfo> infos = consumer.partitionsFor(topic, Duration.ofSeconds(30));
      partitions = infos.stream().map(info -> new TopicPartition(topic, info.partition())).toList();
      if (partitions.isEmpty()) {
        try {
          Thread.sleep(500);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return false;
        }
      }
    }
    if (partitions.isEmpty()) {
      return false;
    }
    consumer.assign(partitions);
    if (fromBeginning) {
      consumer.seekToBeginning(partitions);
    } else {
      consumer.seekToEnd(partitions);
    }
    return true;
  }

  /** Hands every committed record to {@code sink} until {@code stopping} or a wakeup. */
  void follow(BiConsumer<String, @Nullable HashResult> sink, BooleanSupplier stopping) {
    try {
      while (!stopping.getAsBoolean()) {
        for (ConsumerRecord<String, HashResult> record : consumer.poll(POLL)) {
          sink.accept(record.key(), record.value());
        }
      }
    } catch (WakeupException e) {
      // Asked to stop.
    }
  }

  /** Reads from the beginning to the end the topic had when called; the newest value per key. */
  Map<String, @Nullable HashResult> readToEnd() {
    Map<TopicPartition, Long> end = consumer.endOffsets(consumer.assignment());
    Map<String, @Nullable HashResult> latest = new java.util.LinkedHashMap<>();
    while (end.entrySet().stream().anyMatch(e -> consumer.position(e.getKey()) < e.getValue())) {
      for (ConsumerRecord<String, HashResult> record : consumer.poll(POLL)) {
        latest.remove(record.key());
        latest.put(record.key(), record.value());
      }
    }
    return latest;
  }

  void wakeup() {
    consumer.wakeup();
  }

  @Override
  public void close() {
    consumer.close();
  }
}
