package io.hashstream.consumer.verify;

import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.utils.Utils;

/**
 * Which partition of the events topic a key's events land in: the producer sends every event with
 * its key and Kafka's default partitioner, so the instance that owns that partition owns the key.
 */
final class EventPartitions {
  private EventPartitions() {}

  static int of(String key, int partitions) {
    return Utils.toPositive(Utils.murmur2(key.getBytes(StandardCharsets.UTF_8))) % partitions;
  }
}
