package io.hashstream.consumer;

import io.hashstream.schemas.avro.ChangeKind;
import io.hashstream.schemas.avro.FileChangeEvent;
import io.hashstream.schemas.serde.AvroSerializer;
import io.hashstream.schemas.serde.SerdeConfig;
import io.hashstream.testsupport.TestCluster;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.StringSerializer;

/** Writes events as the producer does, so consumer tests need no producer. */
public final class EventWriter implements AutoCloseable {
  private final String topic;
  private final KafkaProducer<String, FileChangeEvent> producer;
  private long sequence;

  public EventWriter(TestCluster cluster, String topic) {
    this.topic = topic;
    Map<String, Object> config = cluster.clientConfig();
    config.put(ProducerConfig.ACKS_CONFIG, "all");
    config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    AvroSerializer<FileChangeEvent> serializer = new AvroSerializer<>();
    serializer.configure(Map.of(SerdeConfig.SCHEMA_REGISTRY_URL, cluster.schemaRegistryUrl()), false);
    producer = new KafkaProducer<>(config, new StringSerializer(), serializer);
  }

  /** Sends an event for the file at {@code root/path} as it is now; returns where it landed. */
  public RecordMetadata send(String rootName, Path rootDirectory, String path, ChangeKind kind)
      throws Exception {
    return sendLater(rootName, rootDirectory, path, kind).get(30, TimeUnit.SECONDS);
  }

  /** Like {@link #send(String, Path, String, ChangeKind)} without waiting: for thousands of events. */
  public Future<RecordMetadata> sendLater(String rootName, Path rootDirectory, String path, ChangeKind kind)
      throws IOException {
    FileChangeEvent.Builder event = builder(rootName, path, kind);
    Path file = rootDirectory.resolve(path);
    if (kind != ChangeKind.DELETED && Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
      BasicFileAttributes attributes =
          Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
      event
          .setSize(attributes.size())
          .setModified(attributes.lastModifiedTime().toInstant())
          .setStatusChanged(
              ((java.nio.file.attribute.FileTime) Files.getAttribute(file, "unix:ctime", LinkOption.NOFOLLOW_LINKS))
                  .toInstant());
    }
    return producer.send(new ProducerRecord<>(topic, rootName + "/" + path, event.build()));
  }

  /** Sends {@code event} under {@code key} as it is, valid or not. */
  public RecordMetadata send(String key, FileChangeEvent event) throws Exception {
    return producer.send(new ProducerRecord<>(topic, key, event)).get(30, TimeUnit.SECONDS);
  }

  public FileChangeEvent.Builder builder(String rootName, String path, ChangeKind kind) {
    return FileChangeEvent.newBuilder()
        .setEventId(UUID.randomUUID())
        .setProducerId("test-producer")
        .setRoot(rootName)
        .setPath(path)
        .setKind(kind)
        .setEpoch(1)
        .setSequence(sequence++)
        .setDetectedAt(Instant.now().truncatedTo(ChronoUnit.MICROS));
  }

  public static void write(Path file, byte[] content) throws IOException {
    Files.createDirectories(file.getParent());
    Files.write(file, content);
  }

  @Override
  public void close() {
    producer.close();
  }
}
