package io.hashstream.consumer.internal;

import io.hashstream.schemas.avro.HashResult;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.jspecify.annotations.Nullable;

/**
 * The finished part of one poll: the results to send, per partition the offset after the last
 * finished record (what the transaction commits), where to resume each partition whose records were
 * not all finished, and which partitions to hold.
 */
final class Batch {
  final List<ProducerRecord<String, HashResult>> results = new ArrayList<>();
  /** Copies of events that can never be processed, for the dead-letter topic. */
  final List<ProducerRecord<byte[], byte[]>> deadLetters = new ArrayList<>();
  final Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
  final Map<TopicPartition, Long> resumeAt = new HashMap<>();
  final Set<TopicPartition> hold = new HashSet<>();
  /** A transient failure cut the batch: wait before polling again. */
  boolean backOff;

  void finished(TopicPartition partition, long offset) {
    offsets.put(partition, new OffsetAndMetadata(offset + 1));
  }

  void resumeAt(TopicPartition partition, long offset) {
    resumeAt.put(partition, offset);
  }

  int events() {
    return offsets.size();
  }
}
