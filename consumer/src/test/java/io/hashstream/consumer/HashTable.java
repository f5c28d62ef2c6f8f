package io.hashstream.consumer;

import io.hashstream.schemas.SourceHeaders;
import io.hashstream.schemas.TrustedAvroClasses;
import io.hashstream.schemas.avro.HashResult;
import io.hashstream.schemas.avro.SourceEvent;
import io.hashstream.schemas.serde.AvroDeserializer;
import io.hashstream.schemas.serde.SerdeConfig;
import io.hashstream.testsupport.TestCluster;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.jspecify.annotations.Nullable;

/** Reads the hash topic as a downstream reader does: {@code read_committed}, from the beginning. */
public final class HashTable implements AutoCloseable {
  /**
   * One committed record of the hash topic: a result, or a tombstone with its source.
   *
   * @param recheck 0 for an event's own result; from 1, the later look at an uncertain answer that
   *     wrote it (header {@code hashstream.recheck}), which repeats the event's source
   */
  public record Entry(String key, @Nullable HashResult value, SourceEvent source, int recheck) {
    public boolean tombstone() {
      return value == null;
    }
  }

  private final KafkaConsumer<String, HashResult> consumer;
  private final List<Entry> entries = new ArrayList<>();

  public HashTable(TestCluster cluster, String topic) {
    TrustedAvroClasses.install();
    Map<String, Object> config = cluster.clientConfig();
    config.put(ConsumerConfig.GROUP_ID_CONFIG, "reader-" + UUID.randomUUID());
    config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    AvroDeserializer<HashResult> deserializer = new AvroDeserializer<>(HashResult.class);
    deserializer.configure(Map.of(SerdeConfig.SCHEMA_REGISTRY_URL, cluster.schemaRegistryUrl()), false);
    consumer = new KafkaConsumer<>(config, new StringDeserializer(), deserializer);
    consumer.subscribe(List.of(topic));
  }

  /** Reads what has been committed since the last call; returns everything read so far. */
  public List<Entry> poll() {
    for (ConsumerRecord<String, HashResult> record : consumer.poll(Duration.ofMillis(200))) {
      HashResult value = record.value();
      SourceEvent source =
          value != null
              ? value.getSource()
              : SourceHeaders.read(record.headers())
                  .orElseThrow(() -> new AssertionError("a tombstone without source headers"));
      entries.add(new Entry(record.key(), value, source, SourceHeaders.recheck(record.headers())));
    }
    return List.copyOf(entries);
  }

  /** The newest entry per key, as compaction would leave the table. */
  public Map<String, Entry> latest() {
    Map<String, Entry> latest = new LinkedHashMap<>();
    for (Entry entry : entries) {
      latest.put(entry.key(), entry);
    }
    return latest;
  }

  @Override
  public void close() {
    consumer.close();
  }
}
