package io.hashstream.faults;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/** The suite's own administration of the cluster, over the broker's own listener. */
final class Kafka {
  private Kafka() {}

  static Map<String, Object> config(String bootstrap) {
    Map<String, Object> config = new HashMap<>();
    config.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    config.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000);
    config.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 10_000);
    config.put(AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 500);
    return config;
  }

  /** Whether the broker answers a real request now. */
  static boolean answers(String bootstrap) {
    try (Admin admin = Admin.create(config(bootstrap))) {
      return !admin.describeCluster().nodes().get(5, TimeUnit.SECONDS).isEmpty();
    } catch (ExecutionException | TimeoutException | KafkaException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /**
   * The scenario's topics: events, and a compacted hash topic whose compaction waits longer than
   * any run, so that a duplicate cannot be compacted away before the oracle reads it.
   */
  static void createTopics(String bootstrap, Topics topics, int partitions) throws Exception {
    try (Admin admin = Admin.create(config(bootstrap))) {
      admin
          .createTopics(
              List.of(
                  new NewTopic(topics.events(), partitions, (short) 1),
                  new NewTopic(topics.hashes(), partitions, (short) 1)
                      .configs(
                          Map.of(
                              TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT,
                              TopicConfig.MIN_COMPACTION_LAG_MS_CONFIG, Long.toString(TimeUnit.DAYS.toMillis(1))))))
          .all()
          .get(30, TimeUnit.SECONDS);
    }
  }

  /**
   * Committed records in {@code topic}, read to its end ({@code read_committed}): a topic written in
   * transactions has a commit marker at an offset of its own, which end offsets would count.
   */
  static long committedRecords(String bootstrap, String topic) throws Exception {
    Map<String, Object> config = new HashMap<>();
    config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    try (KafkaConsumer<byte[], byte[]> consumer =
        new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      List<TopicPartition> partitions =
          consumer.partitionsFor(topic, Duration.ofSeconds(10)).stream()
              .map(info -> new TopicPartition(topic, info.partition()))
              .toList();
      if (partitions.isEmpty()) {
        return 0;
      }
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      Map<TopicPartition, Long> end = consumer.endOffsets(partitions, Duration.ofSeconds(10));
      long count = 0;
      long deadline = System.nanoTime() + Duration.ofMinutes(1).toNanos();
      while (partitions.stream().anyMatch(p -> consumer.position(p) < end.getOrDefault(p, 0L))) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException(topic + " could not be read to its end within a minute");
        }
        count += consumer.poll(Duration.ofMillis(200)).count();
      }
      return count;
    }
  }

  /**
   * Records in a topic written without transactions: the sum of its end offsets (0 for a topic
   * that does not exist).
   */
  static long records(String bootstrap, String topic) throws Exception {
    try (Admin admin = Admin.create(config(bootstrap))) {
      if (!admin.listTopics().names().get(10, TimeUnit.SECONDS).contains(topic)) {
        return 0;
      }
      var description = admin.describeTopics(Set.of(topic)).allTopicNames().get(10, TimeUnit.SECONDS).get(topic);
      int partitions = java.util.Objects.requireNonNull(description, "the topic's description").partitions().size();
      Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
      for (int p = 0; p < partitions; p++) {
        latest.put(new TopicPartition(topic, p), OffsetSpec.latest());
      }
      return admin.listOffsets(latest).all().get(10, TimeUnit.SECONDS).values().stream()
          .mapToLong(info -> info.offset())
          .sum();
    }
  }
}
