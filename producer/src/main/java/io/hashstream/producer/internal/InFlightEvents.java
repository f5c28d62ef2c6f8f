package io.hashstream.producer.internal;

import io.hashstream.producer.ProducerException;
import io.hashstream.producer.ProducerSettings;
import io.hashstream.schemas.FileKey;
import io.hashstream.schemas.avro.ChangeKind;
import io.hashstream.schemas.avro.FileChangeEvent;
import io.hashstream.schemas.serde.AvroDeserializer;
import io.hashstream.schemas.serde.SerdeFailures;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RecordDeserializationException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Events published before this start (by an earlier run of a producer of these roots) that no
 * result answers yet: the table does not show them, so the index loaded from it does not know
 * them. A path such an event published whose file is gone by this start would then be in neither
 * the index nor the tree, and its late answer (a digest, or {@code UNSTABLE} for a file no longer
 * visible) would stand in the table for ever; the fault suite's registry outage found exactly that.
 * So the index takes them in: a path an in-flight event says exists is uncertain (the scan
 * publishes it again, or a delete if its file is gone), unless the index already holds the state the
 * event published (a saved index holds every state acknowledged); one it says is deleted is dropped.
 *
 * <p>Read from the events topic after the highest offset per partition that a result answers (the
 * consumer group answers a partition in order), up to its end now.
 */
public final class InFlightEvents {
  private static final Logger LOG = LoggerFactory.getLogger(InFlightEvents.class);
  private static final Duration POLL = Duration.ofMillis(200);

  private InFlightEvents() {}

  /**
   * Takes the events in flight into {@code indexes}.
   *
   * @param answered the highest answered offset per partition, from {@link HashTable#load}
   * @return how many in-flight events of these roots the index took in
   */
  public static long apply(ProducerSettings settings, int partitions, Map<Integer, Long> answered, Map<String, Index> indexes) {
    List<TopicPartition> all = new ArrayList<>();
    for (int p = 0; p < partitions; p++) {
      all.add(new TopicPartition(settings.eventsTopic(), p));
    }
    long applied = 0;
    long start = System.nanoTime();
    try (KafkaConsumer<String, FileChangeEvent> consumer =
        new KafkaConsumer<>(
            KafkaConfigs.hashTableConsumer(settings),
            new StringDeserializer(),
            new AvroDeserializer<>(FileChangeEvent.class, KafkaConfigs.serde(settings.kafka()), false))) {
      consumer.assign(all);
      Map<TopicPartition, Long> ends = consumer.endOffsets(all, settings.kafka().startTimeout());
      Map<TopicPartition, Long> begins = consumer.beginningOffsets(all, settings.kafka().startTimeout());
      Map<TopicPartition, Long> from = new HashMap<>();
      for (TopicPartition partition : all) {
        Long seen = answered.get(partition.partition());
        long first = Math.max(seen == null ? 0 : seen + 1, begins.getOrDefault(partition, 0L));
        from.put(partition, first);
        consumer.seek(partition, first);
      }
      long unanswered = all.stream().mapToLong(p -> Math.max(0, ends.getOrDefault(p, 0L) - from.getOrDefault(p, 0L))).sum();
      if (unanswered == 0) {
        return 0;
      }
      LOG.info("reading {} event(s) published before this start and not answered yet", unanswered);
      RegistryWait registry = new RegistryWait(settings.kafka().schemaRegistryUrl());
      while (!HashTable.caughtUp(consumer, ends)) {
        ConsumerRecords<String, FileChangeEvent> batch;
        try {
          batch = consumer.poll(POLL);
        } catch (RecordDeserializationException e) {
          switch (SerdeFailures.classify(e)) {
            case TRANSIENT -> {
              registry.unanswered("reading event " + e.topicPartition() + " at offset " + e.offset());
              consumer.seek(e.topicPartition(), e.offset());
            }
            // Not an event: the consumer dead-letters it; it says nothing of a path.
            case BAD_RECORD, OTHER -> consumer.seek(e.topicPartition(), e.offset() + 1);
          }
          continue;
        }
        if (!batch.isEmpty()) {
          registry.answered();
        }
        for (ConsumerRecord<String, FileChangeEvent> record : batch) {
          if (take(indexes, record)) {
            applied++;
          }
        }
        if (System.nanoTime() - start > settings.kafka().startTimeout().toNanos() * 10) {
          throw new ProducerException("reading the events not answered yet took too long (is the broker still up?)", null);
        }
      }
    }
    LOG.info(
        "{} path(s) of in-flight events taken into the index in {} ms",
        applied,
        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
    return applied;
  }

  private static @Nullable Long nanos(java.time.@Nullable Instant instant) {
    return instant == null ? null : FileState.nanos(instant);
  }

  private static boolean take(Map<String, Index> indexes, ConsumerRecord<String, FileChangeEvent> record) {
    if (record.key() == null || record.value() == null) {
      return false;
    }
    FileKey key;
    try {
      key = FileKey.parse(record.key());
    } catch (IllegalArgumentException e) {
      return false;
    }
    Index index = indexes.get(key.root());
    if (index == null) {
      return false;
    }
    FileChangeEvent event = record.value();
    IndexEntry known = index.get(key.path());
    if (event.getKind() == ChangeKind.DELETED) {
      index.remove(key.path());
      return known != null;
    }
    // The index knows the state this event published already (a saved index has every event it
    // saw acknowledged): nothing to publish again for it.
    if (known != null && known.agreesWith(IndexEntry.recorded(known.type(), event.getSize(), nanos(event.getModified()), nanos(event.getStatusChanged())))) {
      return false;
    }
    index.put(key.path(), IndexEntry.uncertain());
    return true;
  }
}
