package io.hashstream.testsupport;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The shared broker serves what hashstream relies on: idempotent and transactional produce. */
@ExtendWith(SharedRuntime.class)
class SharedBrokerIT {

  @Test
  void servesAnIdempotentProduce(TestCluster cluster) throws Exception {
    String topic = createTopic(cluster);
    Map<String, Object> config = cluster.clientConfig();
    config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    config.put(ProducerConfig.ACKS_CONFIG, "all");
    try (var producer = new KafkaProducer<>(config, new StringSerializer(), new StringSerializer())) {
      var metadata = producer.send(new ProducerRecord<>(topic, "key", "value")).get(30, TimeUnit.SECONDS);
      assertThat(metadata.offset()).isZero();
    }
    assertThat(readCommitted(cluster, topic, 1)).containsExactly("value");
  }

  @Test
  void servesATransactionalProduceToReadCommittedConsumers(TestCluster cluster) throws Exception {
    String topic = createTopic(cluster);
    Map<String, Object> config = cluster.clientConfig();
    config.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "test-" + UUID.randomUUID());
    try (var producer = new KafkaProducer<>(config, new StringSerializer(), new StringSerializer())) {
      producer.initTransactions();
      producer.beginTransaction();
      // Aborting fails this send on purpose; what matters is that no reader sees it.
      var _ = producer.send(new ProducerRecord<>(topic, "k", "aborted"));
      producer.abortTransaction();
      producer.beginTransaction();
      var committed = producer.send(new ProducerRecord<>(topic, "k", "committed"));
      producer.commitTransaction();
      assertThat(committed.get(30, TimeUnit.SECONDS).offset()).isNotNegative();
    }
    assertThat(readCommitted(cluster, topic, 1)).containsExactly("committed");
  }

  static String createTopic(TestCluster cluster) throws Exception {
    String topic = "test-" + UUID.randomUUID();
    try (Admin admin = Admin.create(cluster.clientConfig())) {
      admin.createTopics(Set.of(new NewTopic(topic, 1, (short) 1))).all().get(30, TimeUnit.SECONDS);
    }
    return topic;
  }

  /** Reads {@code topic} from the start with read_committed until {@code expected} values came. */
  static List<String> readCommitted(TestCluster cluster, String topic, int expected) {
    Map<String, Object> config = cluster.clientConfig();
    config.put(ConsumerConfig.GROUP_ID_CONFIG, "test-" + UUID.randomUUID());
    config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    List<String> values = new ArrayList<>();
    try (var consumer = new KafkaConsumer<>(config, new StringDeserializer(), new StringDeserializer())) {
      consumer.subscribe(List.of(topic));
      long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      while (values.size() < expected && System.nanoTime() < deadline) {
        for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(500))) {
          values.add(record.value());
        }
      }
    }
    return values;
  }
}
