package io.hashstream.producer;

import io.hashstream.schemas.avro.FileChangeEvent;
import io.hashstream.schemas.avro.HashResult;
import io.hashstream.schemas.avro.HashStatus;
import io.hashstream.schemas.avro.SourceEvent;
import io.hashstream.schemas.serde.AvroSerializer;
import io.hashstream.schemas.serde.SerdeConfig;
import io.hashstream.testsupport.TestCluster;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.serialization.StringSerializer;
import org.jspecify.annotations.Nullable;

/**
 * Writes the hash table as a consumer would (the consumer is built elsewhere): in Kafka
 * transactions, a HashResult for a file it examined, a tombstone for a file that is gone.
 */
final class HashTableWriter implements AutoCloseable {
  private final KafkaProducer<String, HashResult> producer;
  private final String topic;
  private final EventLog events;

  /** Results name their event's real source, read from {@code events}, as a consumer's do. */
  HashTableWriter(TestCluster cluster, String topic, EventLog events) throws Exception {
    this.topic = topic;
    this.events = events;
    try (Admin admin = Admin.create(cluster.clientConfig())) {
      admin
          .createTopics(
              List.of(
                  new NewTopic(topic, 3, (short) 1)
                      .configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT))))
          .all()
          .get(30, TimeUnit.SECONDS);
    } catch (java.util.concurrent.ExecutionException e) {
      if (!(e.getCause() instanceof org.apache.kafka.common.errors.TopicExistsException)) {
        throw e;
      }
    }
    Map<String, Object> config = cluster.clientConfig();
    config.put(ProducerConfig.ACKS_CONFIG, "all");
    config.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "test-consumer-" + topic);
    producer =
        new KafkaProducer<>(
            config,
            new StringSerializer(),
            new AvroSerializer<>(Map.of(SerdeConfig.SCHEMA_REGISTRY_URL, cluster.schemaRegistryUrl()), false));
    producer.initTransactions();
  }

  private void write(String key, @Nullable HashResult value, boolean commit) throws Exception {
    producer.beginTransaction();
    producer.send(new ProducerRecord<>(topic, key, value)).get(30, TimeUnit.SECONDS);
    if (commit) {
      producer.commitTransaction();
    } else {
      producer.abortTransaction();
    }
  }

  /** A result written in a transaction that is then aborted: read_committed readers never see it. */
  void aborted(String root, String path) throws Exception {
    write(root + "/" + path, result(event(root, path, 3, Instant.parse("2020-01-01T00:00:00Z"))), false);
  }

  /** The result a consumer writes after hashing the file {@code event} describes. */
  void hashed(FileChangeEvent event) throws Exception {
    write(event.getRoot() + "/" + event.getPath(), result(event, events.sourceOf(event)), true);
  }

  private static HashResult result(FileChangeEvent event) {
    // An event of long ago, on no topic of this test.
    return result(event, SourceEvent.newBuilder().setEventId(event.getEventId()).setTopic("hashstream.events").setPartition(0).setOffset(0).build());
  }

  private static HashResult result(FileChangeEvent event, SourceEvent source) {
    return HashResult.newBuilder()
            .setRoot(event.getRoot())
            .setPath(event.getPath())
            .setStatus(HashStatus.HASHED)
            .setAlgorithm("SHA-256")
            .setDigest(ByteBuffer.wrap(new byte[32]))
            .setSize(event.getSize())
            .setModified(event.getModified())
            .setStatusChanged(event.getStatusChanged())
            // Another machine's view: a different device number.
            .setFileIdentity(null)
            .setSource(source)
            .setConsumerId("test-consumer")
            .setHashedAt(Instant.now())
            .build();
  }

  /** A result for a path with a size and time of our choosing. */
  void hashed(String root, String path, long size, Instant modified) throws Exception {
    FileChangeEvent event = event(root, path, size, modified);
    write(root + "/" + path, result(event), true);
  }

  private static FileChangeEvent event(String root, String path, long size, Instant modified) {
    return FileChangeEvent.newBuilder()
            .setEventId(java.util.UUID.randomUUID())
            .setProducerId("p")
            .setRoot(root)
            .setPath(path)
            .setKind(io.hashstream.schemas.avro.ChangeKind.CREATED)
            .setSize(size)
            .setModified(modified)
            .setEpoch(0)
            .setSequence(0)
            .setDetectedAt(Instant.now())
            .build();
  }

  /** Results for {@code count} paths of {@code root}, the prefix followed by 0, 1, ..., in one transaction. */
  void hashedMany(String root, String prefix, int count) throws Exception {
    producer.beginTransaction();
    for (int i = 0; i < count; i++) {
      var _ = producer.send(new ProducerRecord<>(topic, root + "/" + prefix + i, result(event(root, prefix + i, i, Instant.parse("2026-01-01T00:00:00Z")))));
    }
    producer.commitTransaction();
  }

  void tombstone(String root, String path) throws Exception {
    write(root + "/" + path, null, true);
  }

  @Override
  public void close() {
    producer.close();
  }
}
