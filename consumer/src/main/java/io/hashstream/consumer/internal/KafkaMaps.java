package io.hashstream.consumer.internal;

import io.hashstream.consumer.ConsumerSettings;
import io.hashstream.schemas.serde.SerdeConfig;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;

/** The one place that turns {@link ConsumerSettings} into the maps Kafka clients take. */
public final class KafkaMaps {
  private KafkaMaps() {}

  /** The user's properties, then the settings hashstream owns on top. */
  private static Map<String, Object> base(ConsumerSettings settings, String clientSuffix) {
    Map<String, Object> map = new HashMap<>(settings.clientProperties());
    map.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, settings.bootstrapServers());
    map.put(SerdeConfig.SCHEMA_REGISTRY_URL, settings.schemaRegistryUrl());
    map.putIfAbsent(
        CommonClientConfigs.CLIENT_ID_CONFIG, "hashstream-consumer-" + settings.instanceId() + clientSuffix);
    return map;
  }

  public static Map<String, Object> consumer(ConsumerSettings settings) {
    Map<String, Object> map = base(settings, "");
    map.put(ConsumerConfig.GROUP_ID_CONFIG, settings.groupId());
    // Static membership: a restarted instance takes its partitions back at once instead of waiting
    // for its predecessor's session to time out; a second live instance with the id is fenced.
    map.put(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, settings.instanceId());
    // The classic protocol with cooperative-sticky assignment: scaling out moves only the
    // partitions that move. KIP-848's protocol works with transactional offsets too (checked), but
    // there a static member that crashed cannot rejoin under its id until its session expires
    // (UNRELEASED_INSTANCE_ID, 45 s by default), so a restart would wait; here it takes over at once.
    map.putIfAbsent(ConsumerConfig.GROUP_PROTOCOL_CONFIG, "classic");
    map.putIfAbsent(
        ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG,
        org.apache.kafka.clients.consumer.CooperativeStickyAssignor.class.getName());
    map.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    map.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    // A new group must read the initial scan, which the default 'latest' would skip.
    map.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    map.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, settings.maxBatchRecords());
    return map;
  }

  public static Map<String, Object> producer(ConsumerSettings settings) {
    Map<String, Object> map = base(settings, "-tx");
    map.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, settings.transactionalId());
    map.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    map.put(ProducerConfig.ACKS_CONFIG, "all");
    map.put(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, (int) settings.transactionTimeout().toMillis());
    map.putIfAbsent(ProducerConfig.LINGER_MS_CONFIG, 5);
    // Measured against zstd, gzip and none: the least CPU (BENCHMARKS.md, "Compression").
    map.putIfAbsent(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
    return map;
  }

  public static Map<String, Object> admin(ConsumerSettings settings) {
    return base(settings, "-admin");
  }

  /** What the registry serde takes: the user's properties (auth, TLS) and the URL. */
  public static Map<String, Object> serde(ConsumerSettings settings) {
    return base(settings, "");
  }
}
