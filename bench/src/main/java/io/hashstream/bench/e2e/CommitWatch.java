package io.hashstream.bench.e2e;

import io.hashstream.schemas.avro.HashResult;
import io.hashstream.schemas.avro.HashStatus;
import io.hashstream.schemas.serde.AvroDeserializer;
import io.hashstream.schemas.serde.SerdeConfig;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.jspecify.annotations.Nullable;

/**
 * Sees when the last result of a run is committed: a downstream reader ({@code read_committed}, no
 * group, every partition from the beginning) of the run's hash topic that counts the distinct keys
 * of the run's root with a value, and stops when they reach the run's file count. The time of the
 * poll that brought the last one is "the last committed HashResult" as a reader sees it (poll
 * latency on loopback: a few milliseconds). Then it reads the time of the run's first event (the
 * smallest record timestamp on the events topic from SINCE_MS on, set by the producer when it sends
 * it): the producer's scan started a few milliseconds before that.
 *
 * <p>{@code watch BOOTSTRAP REGISTRY HASHES_TOPIC EVENTS_TOPIC ROOT COUNT TIMEOUT_SECONDS
 * [SINCE_MS]}; prints {@code ready=1} once it reads (start the producer after that), then the
 * figures. A ROOT ending in {@code *} counts the keys of every root whose name starts with the rest
 * (a million results of ten roots). Only what the figures need is kept of each result, so a
 * million fit in the tool's heap.
 */
final class CommitWatch {
  private CommitWatch() {}

  /** What the figures need of one committed result. */
  private record Seen(HashStatus status, String consumerId, long size, long hashedAtMillis) {
    static Seen of(HashResult result) {
      Long size = result.getSize();
      return new Seen(
          result.getStatus(), result.getConsumerId(), size == null ? 0 : size, result.getHashedAt().toEpochMilli());
    }
  }

  /** A reader of committed results; a tombstone's value is null (Kafka's types do not say so). */
  static KafkaConsumer<String, HashResult> reader(String bootstrap, String registry) {
    Map<String, Object> config = new HashMap<>();
    config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    config.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 10_000);
    config.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 100);
    config.put(ConsumerConfig.CLIENT_ID_CONFIG, "bench-e2e-watch");
    AvroDeserializer<HashResult> values = new AvroDeserializer<>(HashResult.class);
    values.configure(Map.of(SerdeConfig.SCHEMA_REGISTRY_URL, registry), false);
    return new KafkaConsumer<>(config, new StringDeserializer(), values);
  }

  /** Assigns every partition of {@code topic} (waiting up to 60 s for it), positioned at the end or the beginning. */
  static List<TopicPartition> assignAll(
      KafkaConsumer<String, HashResult> consumer, String topic, boolean fromEnd)
      throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    List<PartitionInfo> infos = consumer.partitionsFor(topic, Duration.ofSeconds(30));
    while (infos.isEmpty()) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("the topic " + topic + " does not exist");
      }
      Thread.sleep(200);
      infos = consumer.partitionsFor(topic, Duration.ofSeconds(30));
    }
    List<TopicPartition> partitions =
        infos.stream().map(info -> new TopicPartition(topic, info.partition())).toList();
    consumer.assign(partitions);
    if (fromEnd) {
      consumer.seekToEnd(partitions);
    } else {
      consumer.seekToBeginning(partitions);
    }
    for (TopicPartition partition : partitions) {
      long _ = consumer.position(partition, Duration.ofSeconds(30)); // resolves the seek now
    }
    return partitions;
  }

  static void run(String[] args) throws Exception {
    String bootstrap = E2e.arg(args, 0, "BOOTSTRAP");
    String registry = E2e.arg(args, 1, "REGISTRY");
    String hashes = E2e.arg(args, 2, "HASHES_TOPIC");
    String events = E2e.arg(args, 3, "EVENTS_TOPIC");
    String root = E2e.arg(args, 4, "ROOT");
    String prefix = root.endsWith("*") ? root.substring(0, root.length() - 1) : root + "/";
    int count = E2e.intArg(args, 5, "COUNT");
    long timeoutNanos = TimeUnit.SECONDS.toNanos(E2e.longArg(args, 6, "TIMEOUT_SECONDS"));
    long since = args.length > 7 ? Long.parseLong(args[7]) : 0;
    try (KafkaConsumer<String, HashResult> consumer = reader(bootstrap, registry)) {
      assignAll(consumer, hashes, false);
      E2e.emit("ready", 1);
      Map<String, Seen> latest = new HashMap<>();
      long firstResult = 0;
      long lastResult = 0;
      long started = System.nanoTime();
      long nextReport = started + TimeUnit.SECONDS.toNanos(5);
      boolean timedOut = false;
      while (latest.size() < count) {
        long now = System.nanoTime();
        if (now - started > timeoutNanos) {
          timedOut = true;
          break;
        }
        if (now > nextReport) {
          nextReport = now + TimeUnit.SECONDS.toNanos(5);
          E2e.log("watch: " + latest.size() + " of " + count + " results committed");
        }
        for (ConsumerRecord<String, HashResult> record : consumer.poll(Duration.ofMillis(100))) {
          String key = record.key();
          if (key == null || !key.startsWith(prefix)) {
            continue;
          }
          @Nullable HashResult value = record.value(); // null: a tombstone
          if (value == null) {
            latest.remove(key);
          } else {
            latest.put(key, Seen.of(value));
            lastResult = System.currentTimeMillis();
            if (firstResult == 0) {
              firstResult = lastResult;
            }
          }
        }
      }
      E2e.emit("timed_out", timedOut);
      E2e.emit("results", latest.size());
      E2e.emit("first_result_ms", firstResult);
      E2e.emit("last_result_ms", lastResult);
      Map<HashStatus, Long> statuses =
          latest.values().stream().collect(Collectors.groupingBy(Seen::status, TreeMap::new, Collectors.counting()));
      E2e.emit("statuses", statuses.entrySet().stream().map(e -> e.getKey() + ":" + e.getValue()).collect(Collectors.joining(",")));
      Map<String, Long> consumers =
          latest.values().stream().collect(Collectors.groupingBy(Seen::consumerId, TreeMap::new, Collectors.counting()));
      E2e.emit("by_consumer", consumers.entrySet().stream().map(e -> e.getKey() + ":" + e.getValue()).collect(Collectors.joining(",")));
      long bytes = 0;
      long lastHashedAt = 0;
      for (Seen result : latest.values()) {
        bytes += result.size();
        lastHashedAt = Math.max(lastHashedAt, result.hashedAtMillis());
      }
      E2e.emit("hashed_bytes", bytes);
      E2e.emit("last_hashed_at_ms", lastHashedAt);
      E2e.emit("first_event_ms", firstEvent(consumer, events, since));
    }
  }

  /** The smallest record timestamp on {@code topic} from {@code since}: the run's first event. */
  private static long firstEvent(KafkaConsumer<String, HashResult> consumer, String topic, long since) {
    Map<TopicPartition, Long> query = new HashMap<>();
    for (PartitionInfo info : consumer.partitionsFor(topic, Duration.ofSeconds(30))) {
      query.put(new TopicPartition(topic, info.partition()), since);
    }
    long first = Long.MAX_VALUE;
    for (OffsetAndTimestamp found : consumer.offsetsForTimes(query, Duration.ofSeconds(30)).values()) {
      if (found != null) {
        first = Math.min(first, found.timestamp());
      }
    }
    return first == Long.MAX_VALUE ? 0 : first;
  }
}
