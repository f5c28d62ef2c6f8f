package io.hashstream.consumer.verify;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where continuous verify stands, per partition of the events topic, kept where every instance of
 * the group finds it: a compacted topic of one partition ({@code <hash topic>.verified}), keyed
 * {@code <group>/<events topic>/<partition>}, whose value is the last key verified in the current
 * pass (empty at the start of a pass). A restarted instance, and the instance a rebalance gives a
 * partition to, go on from there instead of starting over. Losing a cursor costs a pass done
 * again, nothing else: written without waiting, a failure logged.
 *
 * <p>The verifier thread only.
 */
final class VerifyCursors implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(VerifyCursors.class);
  private static final Duration POLL = Duration.ofMillis(200);

  private final String topic;
  private final String prefix;
  private final Map<String, Object> config;
  private final KafkaProducer<String, String> producer;
  private boolean usable = true;

  VerifyCursors(String bootstrapServers, Map<String, String> clientProperties, String hashesTopic, String group, String eventsTopic) {
    this.topic = topicFor(hashesTopic);
    this.prefix = group + "/" + eventsTopic + "/";
    this.config = new HashMap<>(clientProperties);
    config.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    Map<String, Object> producerConfig = new HashMap<>(config);
    producerConfig.put(ProducerConfig.CLIENT_ID_CONFIG, "hashstream-verify-cursors-" + UUID.randomUUID());
    producerConfig.put(ProducerConfig.ACKS_CONFIG, "all");
    producerConfig.remove(ProducerConfig.TRANSACTIONAL_ID_CONFIG);
    this.producer = new KafkaProducer<>(producerConfig, new StringSerializer(), new StringSerializer());
    create();
  }

  static String topicFor(String hashesTopic) {
    return io.hashstream.consumer.ConsumerSettings.verifyCursorsTopicOf(hashesTopic);
  }

  private void create() {
    try (Admin admin = Admin.create(config)) {
      NewTopic cursors =
          new NewTopic(topic, Optional.of(1), Optional.empty())
              .configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT));
      admin.createTopics(List.of(cursors)).all().get();
      LOG.info("verify: created the topic {} for where each partition's pass stands", topic);
    } catch (ExecutionException e) {
      if (!(e.getCause() instanceof TopicExistsException)) {
        usable = false;
        LOG.warn(
            "verify: the topic {} cannot be created ({}); each restart and rebalance starts its passes over",
            topic,
            String.valueOf(e.getCause()));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      usable = false;
    } catch (KafkaException e) {
      usable = false;
      LOG.warn("verify: the topic {} cannot be created ({}); each restart and rebalance starts its passes over", topic, e.toString());
    }
  }

  /** The cursors of this group's partitions as the topic has them now: partition to last key. */
  Map<Integer, String> load() {
    Map<Integer, String> cursors = new HashMap<>();
    if (!usable) {
      return cursors;
    }
    Map<String, Object> consumerConfig = new HashMap<>(config);
    consumerConfig.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    consumerConfig.remove(ConsumerConfig.GROUP_ID_CONFIG);
    consumerConfig.put(ConsumerConfig.CLIENT_ID_CONFIG, "hashstream-verify-cursors-" + UUID.randomUUID());
    try (KafkaConsumer<String, String> consumer =
        new KafkaConsumer<>(consumerConfig, new StringDeserializer(), new StringDeserializer())) {
      TopicPartition only = new TopicPartition(topic, 0);
      consumer.assign(List.of(only));
      consumer.seekToBeginning(List.of(only));
      long end = consumer.endOffsets(List.of(only)).getOrDefault(only, 0L);
      while (consumer.position(only) < end) {
        for (ConsumerRecord<String, String> record : consumer.poll(POLL)) {
          String key = record.key();
          if (key != null && key.startsWith(prefix)) {
            int partition = Integer.parseInt(key.substring(prefix.length()));
            String value = record.value();
            if (value == null) {
              cursors.remove(partition);
            } else {
              cursors.put(partition, value);
            }
          }
        }
      }
    } catch (KafkaException | NumberFormatException e) {
      LOG.warn("verify: the cursors in {} cannot be read ({}); passes start over", topic, e.toString());
      cursors.clear();
    }
    return cursors;
  }

  /** Records that {@code partition}'s pass stands after {@code lastKey} (empty: at its start). */
  void save(int partition, String lastKey) {
    if (!usable) {
      return;
    }
    // The callback reports a failure: a cursor is worth a log line, not a wait.
    var _ = producer.send(
        new ProducerRecord<>(topic, prefix + partition, lastKey),
        (metadata, failure) -> {
          if (failure != null) {
            LOG.warn("verify: the cursor of partition {} was not saved: {}", partition, failure.toString());
          }
        });
  }

  @Override
  public void close() {
    producer.close(Duration.ofSeconds(5));
  }
}
