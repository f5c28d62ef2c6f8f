package io.hashstream.producer.internal;

import io.hashstream.producer.KafkaSettings;
import io.hashstream.producer.ProducerSettings;
import io.hashstream.schemas.serde.SerdeConfig;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one class that turns settings into the maps Kafka clients and the serde take. Properties from
 * a client configuration file come first; the explicit settings ({@code bootstrap.servers}, {@code
 * schema.registry.url}) override them; what the producer's promise needs ({@code acks=all},
 * idempotence) is enforced; tuning the file does not set gets the defaults below.
 */
public final class KafkaConfigs {
  private static final Logger LOG = LoggerFactory.getLogger(KafkaConfigs.class);

  /** Batching tuned for throughput: many small events per request, compressed. */
  static final Map<String, Object> PRODUCER_DEFAULTS =
      Map.of(
          ProducerConfig.LINGER_MS_CONFIG, 20,
          ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024,
          // Measured against zstd, gzip and none: the least CPU (BENCHMARKS.md, "Compression").
          ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4",
          ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 5,
          ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 120_000,
          // A full buffer or missing metadata fails a send after this long instead of blocking the
          // publisher for the default minute; the tracker then retries with backoff.
          ProducerConfig.MAX_BLOCK_MS_CONFIG, 10_000);

  private KafkaConfigs() {}

  /** The Kafka producer's configuration (serializers are passed as instances). */
  public static Map<String, Object> producer(ProducerSettings settings) {
    Map<String, Object> config = clientBase(settings.kafka());
    PRODUCER_DEFAULTS.forEach(config::putIfAbsent);
    config.putIfAbsent(CommonClientConfigs.CLIENT_ID_CONFIG, "hashstream-producer-" + settings.producerId());
    enforce(config, ProducerConfig.ACKS_CONFIG, "all");
    enforce(config, ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
    return config;
  }

  /** The admin client's configuration: gives up after the start timeout. */
  public static Map<String, Object> admin(ProducerSettings settings) {
    Map<String, Object> config = clientBase(settings.kafka());
    int timeout = (int) Math.min(Integer.MAX_VALUE, settings.kafka().startTimeout().toMillis());
    config.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, timeout);
    config.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, timeout);
    config.putIfAbsent(AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 1000);
    config.putIfAbsent(CommonClientConfigs.CLIENT_ID_CONFIG, "hashstream-producer-admin-" + settings.producerId());
    return config;
  }

  /** The consumer that reads the hash table at start: committed records only, no group. */
  public static Map<String, Object> hashTableConsumer(ProducerSettings settings) {
    Map<String, Object> config = clientBase(settings.kafka());
    config.remove(ConsumerConfig.GROUP_ID_CONFIG);
    config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    config.putIfAbsent(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 10_000);
    config.putIfAbsent(CommonClientConfigs.CLIENT_ID_CONFIG, "hashstream-producer-index-" + settings.producerId());
    return config;
  }

  /** The serde's configuration: the whole client configuration plus the registry URL. */
  public static Map<String, Object> serde(KafkaSettings kafka) {
    Map<String, Object> config = new HashMap<>(kafka.clientProperties());
    config.put(SerdeConfig.SCHEMA_REGISTRY_URL, kafka.schemaRegistryUrl());
    return config;
  }

  /** The file's client properties without the serde's, with the explicit bootstrap servers. */
  private static Map<String, Object> clientBase(KafkaSettings kafka) {
    Set<String> serdeOnly = SerdeConfig.definition().names();
    Map<String, Object> config = new HashMap<>();
    kafka.clientProperties().forEach(
        (name, value) -> {
          if (!serdeOnly.contains(name)) {
            config.put(name, value);
          }
        });
    config.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
    return config;
  }

  private static void enforce(Map<String, Object> config, String name, String value) {
    Object given = config.put(name, value);
    if (given != null && !given.toString().strip().equalsIgnoreCase(value)) {
      LOG.warn(
          "client configuration sets {}={}; the producer needs {}={} (no change may be lost or"
              + " reordered), so that is used",
          name,
          given,
          name,
          value);
    }
  }
}
