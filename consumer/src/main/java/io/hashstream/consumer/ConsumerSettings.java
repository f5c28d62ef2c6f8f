package io.hashstream.consumer;

import io.hashstream.schemas.FileKey;
import io.hashstream.schemas.Topics;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Everything a hashing consumer instance needs, validated on construction.
 *
 * @param bootstrapServers Kafka's bootstrap servers
 * @param schemaRegistryUrl the Confluent-compatible registry URL
 * @param groupId the consumer group; instances of one group share the events topic's partitions
 * @param instanceId this instance's stable name: its {@code transactional.id} derives from it, and
 *     it appears in its results
 * @param roots each root name this instance serves, with the directory where it sees that root
 *     (possibly another mount than the producer's)
 * @param eventsTopic the topic of {@code FileChangeEvent}s
 * @param hashesTopic the compacted topic of {@code HashResult}s
 * @param clientProperties Kafka client and registry properties from the user's configuration file;
 *     the settings above win over the same keys there
 * @param maxBatchRecords at most this many events per transaction
 * @param maxBatchTime a transaction is committed once its hashing took this long
 * @param transactionTimeout the transaction timeout; short, so a crashed instance's open transaction
 *     never stalls {@code read_committed} readers for long
 * @param hashingThreads how many threads hash files, each with its own digest and read buffer
 * @param unknownRoots what to do with an event for a root that is not in {@code roots}
 * @param algorithms the digest algorithms every file is hashed with, all from one read: {@link
 *     HashAlgorithm#FIRST} (SHA-256) first, each once. A change takes effect for the events this
 *     instance answers from then on; results already in the table keep theirs
 */
public record ConsumerSettings(
    String bootstrapServers,
    String schemaRegistryUrl,
    String groupId,
    String instanceId,
    Map<String, Path> roots,
    String eventsTopic,
    String hashesTopic,
    Map<String, String> clientProperties,
    int maxBatchRecords,
    Duration maxBatchTime,
    Duration transactionTimeout,
    int hashingThreads,
    UnknownRootPolicy unknownRoots,
    List<HashAlgorithm> algorithms) {

  public static final String DEFAULT_GROUP = "hashstream-consumer";
  public static final int DEFAULT_MAX_BATCH_RECORDS = 5000;
  public static final Duration DEFAULT_MAX_BATCH_TIME = Duration.ofSeconds(2);
  public static final Duration DEFAULT_TRANSACTION_TIMEOUT = Duration.ofSeconds(15);
  /** The most hashing threads an instance takes: more only adds memory and contention. */
  public static final int MAX_HASHING_THREADS = 256;

  public ConsumerSettings {
    requireText(bootstrapServers, "bootstrap servers");
    requireText(schemaRegistryUrl, "schema registry URL");
    requireText(groupId, "group");
    requireText(instanceId, "instance id");
    requireText(eventsTopic, "events topic");
    requireText(hashesTopic, "hashes topic");
    if (eventsTopic.equals(hashesTopic)) {
      throw new IllegalArgumentException("the events topic and the hashes topic must differ");
    }
    if (roots.isEmpty()) {
      throw new IllegalArgumentException("at least one root is needed (--root NAME=DIR)");
    }
    roots.keySet().forEach(FileKey::requireValidRoot);
    roots = Map.copyOf(roots);
    clientProperties = Map.copyOf(clientProperties);
    if (maxBatchRecords < 1) {
      throw new IllegalArgumentException("the batch must hold at least one record");
    }
    if (maxBatchTime.isNegative() || maxBatchTime.isZero()) {
      throw new IllegalArgumentException("the batch time must be positive");
    }
    if (transactionTimeout.compareTo(Duration.ofSeconds(1)) < 0) {
      throw new IllegalArgumentException("the transaction timeout must be at least a second");
    }
    if (hashingThreads < 1 || hashingThreads > MAX_HASHING_THREADS) {
      throw new IllegalArgumentException(
          "the hashing threads must be between 1 and " + MAX_HASHING_THREADS + ", not " + hashingThreads);
    }
    HashAlgorithm.requireValid(algorithms);
    algorithms = List.copyOf(algorithms);
  }

  /** Settings with the defaults for everything but the connection, identity and roots. */
  public static ConsumerSettings of(
      String bootstrapServers, String schemaRegistryUrl, String instanceId, Map<String, Path> roots) {
    return new ConsumerSettings(
        bootstrapServers,
        schemaRegistryUrl,
        DEFAULT_GROUP,
        instanceId,
        roots,
        Topics.EVENTS,
        Topics.HASHES,
        Map.of(),
        DEFAULT_MAX_BATCH_RECORDS,
        DEFAULT_MAX_BATCH_TIME,
        DEFAULT_TRANSACTION_TIMEOUT,
        defaultHashingThreads(),
        UnknownRootPolicy.HOLD,
        List.of(HashAlgorithm.FIRST));
  }

  public ConsumerSettings withGroup(String group) {
    return new ConsumerSettings(
        bootstrapServers, schemaRegistryUrl, group, instanceId, roots, eventsTopic, hashesTopic,
        clientProperties, maxBatchRecords, maxBatchTime, transactionTimeout, hashingThreads, unknownRoots,
        algorithms);
  }

  public ConsumerSettings withTopics(String events, String hashes) {
    return new ConsumerSettings(
        bootstrapServers, schemaRegistryUrl, groupId, instanceId, roots, events, hashes,
        clientProperties, maxBatchRecords, maxBatchTime, transactionTimeout, hashingThreads, unknownRoots,
        algorithms);
  }

  public ConsumerSettings withClientProperties(Map<String, String> properties) {
    return new ConsumerSettings(
        bootstrapServers, schemaRegistryUrl, groupId, instanceId, roots, eventsTopic, hashesTopic,
        properties, maxBatchRecords, maxBatchTime, transactionTimeout, hashingThreads, unknownRoots,
        algorithms);
  }

  public ConsumerSettings withTransactionTimeout(Duration timeout) {
    return new ConsumerSettings(
        bootstrapServers, schemaRegistryUrl, groupId, instanceId, roots, eventsTopic, hashesTopic,
        clientProperties, maxBatchRecords, maxBatchTime, timeout, hashingThreads, unknownRoots,
        algorithms);
  }

  public ConsumerSettings withBatch(int records, Duration time) {
    return new ConsumerSettings(
        bootstrapServers, schemaRegistryUrl, groupId, instanceId, roots, eventsTopic, hashesTopic,
        clientProperties, records, time, transactionTimeout, hashingThreads, unknownRoots,
        algorithms);
  }

  public ConsumerSettings withHashingThreads(int threads) {
    return new ConsumerSettings(
        bootstrapServers, schemaRegistryUrl, groupId, instanceId, roots, eventsTopic, hashesTopic,
        clientProperties, maxBatchRecords, maxBatchTime, transactionTimeout, threads, unknownRoots,
        algorithms);
  }

  public ConsumerSettings withUnknownRoots(UnknownRootPolicy policy) {
    return new ConsumerSettings(
        bootstrapServers, schemaRegistryUrl, groupId, instanceId, roots, eventsTopic, hashesTopic,
        clientProperties, maxBatchRecords, maxBatchTime, transactionTimeout, hashingThreads, policy,
        algorithms);
  }

  /** Settings that hash with {@code digestAlgorithms}: see {@link HashAlgorithm#parseList}. */
  public ConsumerSettings withAlgorithms(List<HashAlgorithm> digestAlgorithms) {
    return new ConsumerSettings(
        bootstrapServers, schemaRegistryUrl, groupId, instanceId, roots, eventsTopic, hashesTopic,
        clientProperties, maxBatchRecords, maxBatchTime, transactionTimeout, hashingThreads, unknownRoots,
        digestAlgorithms);
  }

  /** One hashing thread per processor: hashing is CPU-bound once files are in the page cache. */
  public static int defaultHashingThreads() {
    return Math.min(Runtime.getRuntime().availableProcessors(), MAX_HASHING_THREADS);
  }

  /** Where events that can never be processed go: {@code <events topic>.dlq}. */
  public String deadLetterTopic() {
    return deadLetterTopicOf(eventsTopic);
  }

  /** The dead-letter topic of {@code eventsTopic}: {@code <events topic>.dlq}. */
  public static String deadLetterTopicOf(String eventsTopic) {
    return eventsTopic + ".dlq";
  }

  /**
   * Where continuous verification keeps how far each partition's pass got: {@code <hash
   * topic>.verified}, compacted.
   */
  public static String verifyCursorsTopicOf(String hashesTopic) {
    return hashesTopic + ".verified";
  }

  /** The transactional id: stable per instance, so a restart fences its predecessor at once. */
  public String transactionalId() {
    return transactionalIdPrefix(groupId) + instanceId;
  }

  /** What every transactional id of {@code group}'s instances starts with, for a prefixed ACL. */
  public static String transactionalIdPrefix(String group) {
    return "hashstream-consumer-" + group + "-";
  }

  private static void requireText(String value, String what) {
    if (value.isBlank()) {
      throw new IllegalArgumentException("the " + what + " must not be empty");
    }
  }
}
