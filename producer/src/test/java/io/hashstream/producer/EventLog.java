package io.hashstream.producer;

import io.hashstream.schemas.avro.ChangeKind;
import io.hashstream.schemas.avro.FileChangeEvent;
import io.hashstream.schemas.avro.SourceEvent;
import io.hashstream.schemas.serde.AvroDeserializer;
import io.hashstream.schemas.serde.SerdeConfig;
import io.hashstream.testsupport.TestCluster;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;

/** Reads an events topic from its beginning, as a downstream consumer would. Test-thread only. */
final class EventLog implements AutoCloseable {
  private final KafkaConsumer<String, FileChangeEvent> consumer;
  private final List<FileChangeEvent> events = new ArrayList<>();
  private final List<String> keys = new ArrayList<>();
  private final Map<java.util.UUID, SourceEvent> sources = new java.util.HashMap<>();

  EventLog(TestCluster cluster, String topic) {
    Map<String, Object> config = cluster.clientConfig();
    config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    config.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5000);
    consumer =
        new KafkaConsumer<>(
            config,
            new StringDeserializer(),
            new AvroDeserializer<>(
                FileChangeEvent.class,
                Map.of(SerdeConfig.SCHEMA_REGISTRY_URL, cluster.schemaRegistryUrl()),
                false));
    List<TopicPartition> partitions =
        consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
            .map(p -> new TopicPartition(topic, p.partition()))
            .toList();
    consumer.assign(partitions);
    consumer.seekToBeginning(partitions);
  }

  /** Reads what has arrived; returns every event so far. */
  List<FileChangeEvent> poll() {
    for (ConsumerRecord<String, FileChangeEvent> record : consumer.poll(Duration.ofMillis(200))) {
      events.add(record.value());
      keys.add(record.key());
      sources.put(
          record.value().getEventId(),
          new SourceEvent(record.value().getEventId(), record.topic(), record.partition(), record.offset()));
    }
    return List.copyOf(events);
  }

  /** Where {@code event} was read: the source a consumer's result for it names. */
  SourceEvent sourceOf(FileChangeEvent event) {
    SourceEvent source = sources.get(event.getEventId());
    if (source == null) {
      throw new IllegalArgumentException("event " + event.getEventId() + " was not read from this log");
    }
    return source;
  }

  /** Reads up to the topic's current end: every event acknowledged so far is then here. */
  List<FileChangeEvent> catchUp() {
    Map<TopicPartition, Long> ends = consumer.endOffsets(consumer.assignment(), Duration.ofSeconds(30));
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (ends.entrySet().stream().anyMatch(end -> consumer.position(end.getKey()) < end.getValue())) {
      if (System.nanoTime() - deadline > 0) {
        throw new AssertionError("the events topic could not be read to its end within 60 s");
      }
      poll();
    }
    return List.copyOf(events);
  }

  List<FileChangeEvent> events() {
    return List.copyOf(events);
  }

  List<String> keys() {
    return List.copyOf(keys);
  }

  /** The events of one path (relative to its root), in order. */
  List<FileChangeEvent> of(String path) {
    return events.stream().filter(e -> e.getPath().equals(path)).toList();
  }

  /** Each path's last event. */
  Map<String, FileChangeEvent> latest() {
    Map<String, FileChangeEvent> latest = new LinkedHashMap<>();
    for (FileChangeEvent event : events) {
      latest.put(event.getPath(), event);
    }
    return latest;
  }

  /** The paths whose last event says the file exists, and their sizes (-1 where it has none). */
  Map<String, Long> existing() {
    Map<String, Long> sizes = new HashMap<>();
    existingStats()
        .forEach(
            (path, stat) -> {
              Long size = stat.size();
              sizes.put(path, size == null ? -1L : size);
            });
    return sizes;
  }

  /** The paths whose last event says the file exists, and what that event says of the file. */
  Map<String, Fixtures.FileStat> existingStats() {
    Map<String, Fixtures.FileStat> stats = new HashMap<>();
    latest()
        .forEach(
            (path, event) -> {
              if (event.getKind() != ChangeKind.DELETED) {
                stats.put(path, Fixtures.FileStat.of(event));
              }
            });
    return stats;
  }

  @Override
  public void close() {
    consumer.close();
  }
}
