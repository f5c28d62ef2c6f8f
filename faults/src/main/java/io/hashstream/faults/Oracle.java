package io.hashstream.faults;

import io.apicurio.registry.serde.avro.AvroKafkaDeserializer;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.jspecify.annotations.Nullable;

/**
 * Reads the hash topic as a downstream team would ({@code read_committed}, from the beginning),
 * decoding with Apicurio's serde, not the project's, and checks every record as it comes: each
 * event answered once across the topic (a {@code hashstream.recheck} record is a later look at an
 * event already answered, not a second answer), and per key in the order of the events. Stable
 * files, which exist unchanged throughout, must never read as anything but their digest: a lie
 * caught while it lasts, even if a later record corrects it.
 *
 * <p>One thread owns an oracle: the live reader's, or the scenario's once the faults are over.
 */
final class Oracle implements AutoCloseable {
  private static final int SAMPLES = 5;
  private static final String SOURCE_PARTITION = "hashstream.source.partition";
  private static final String SOURCE_OFFSET = "hashstream.source.offset";
  private static final String RECHECK = "hashstream.recheck";

  private final KafkaConsumer<String, Object> consumer;
  private final List<TopicPartition> partitions;
  private final Map<String, String> stable;
  private final Map<String, Row> latest = new HashMap<>();
  private final Set<Long> answered = new HashSet<>();
  private long results;
  private long duplicates;
  private long outOfOrder;
  private long lies;
  private final List<String> samples = new ArrayList<>();

  /**
   * @param stable the digest of each file that exists unchanged throughout, by key
   */
  Oracle(LocalCluster cluster, String hashTopic, Map<String, String> stable) {
    Map<String, Object> config = new HashMap<>(Kafka.config(cluster.internalBootstrap()));
    config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    config.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
    config.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, AvroKafkaDeserializer.class.getName());
    config.put("apicurio.registry.url", cluster.registryUrl().replace("/apis/ccompat/v7", "/apis/registry/v3"));
    config.put("apicurio.registry.use-specific-avro-reader", "false");
    this.consumer = new KafkaConsumer<>(config);
    this.partitions =
        consumer.partitionsFor(hashTopic, Duration.ofSeconds(30)).stream()
            .map(info -> new TopicPartition(hashTopic, info.partition()))
            .toList();
    consumer.assign(partitions);
    consumer.seekToBeginning(partitions);
    this.stable = Map.copyOf(stable);
  }

  /** Reads what is committed now, up to the end, and checks it. */
  void catchUp(Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    Map<TopicPartition, Long> end = consumer.endOffsets(partitions, timeout);
    while (partitions.stream().anyMatch(p -> consumer.position(p) < end.getOrDefault(p, 0L))) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("the hash topic could not be read to its end within " + timeout);
      }
      poll(Duration.ofMillis(200));
    }
  }

  /** Reads what comes within {@code timeout}, and checks it. */
  void poll(Duration timeout) {
    for (ConsumerRecord<String, Object> record : consumer.poll(timeout)) {
      accept(record);
    }
  }

  private void accept(ConsumerRecord<String, Object> record) {
    results++;
    Row row = decode(record);
    Row previous = latest.put(row.key(), row);
    if (!row.recheck()) {
      if (!answered.add(row.source())) {
        duplicates++;
        sample("answered twice: " + row + " (at " + record.partition() + "/" + record.offset() + ")");
      }
      if (previous != null && row.sourceOffset() <= previous.sourceOffset()) {
        outOfOrder++;
        sample("out of order: " + row + " after " + previous);
      }
    } else if (previous != null && row.sourceOffset() < previous.sourceOffset()) {
      outOfOrder++;
      sample("a recheck older than the answer before it: " + row + " after " + previous);
    }
    String expected = stable.get(row.key());
    if (expected != null && !row.hashed(expected)) {
      lies++;
      sample("a lie about a file unchanged throughout: " + row);
    }
  }

  private void sample(String line) {
    if (samples.size() < SAMPLES) {
      samples.add(line);
    }
  }

  private static Row decode(ConsumerRecord<String, Object> record) {
    boolean recheck = header(record.headers(), RECHECK) != null;
    if (record.value() == null) {
      return new Row(
          record.key(),
          Row.TOMBSTONE,
          null,
          Integer.parseInt(requireHeader(record, SOURCE_PARTITION)),
          Long.parseLong(requireHeader(record, SOURCE_OFFSET)),
          recheck);
    }
    GenericRecord value = (GenericRecord) record.value();
    GenericRecord source = (GenericRecord) value.get("source");
    Object digest = value.get("digest");
    return new Row(
        record.key(),
        String.valueOf(value.get("status")),
        digest instanceof ByteBuffer bytes ? HexFormat.of().formatHex(bytes(bytes)) : null,
        (Integer) source.get("partition"),
        (Long) source.get("offset"),
        recheck);
  }

  private static byte[] bytes(ByteBuffer buffer) {
    byte[] bytes = new byte[buffer.remaining()];
    buffer.duplicate().get(bytes);
    return bytes;
  }

  private static @Nullable String header(Headers headers, String name) {
    Header last = headers.lastHeader(name);
    return last == null ? null : new String(last.value(), StandardCharsets.UTF_8);
  }

  private static String requireHeader(ConsumerRecord<String, Object> record, String name) {
    String value = header(record.headers(), name);
    if (value == null) {
      throw new IllegalStateException(
          "the tombstone of " + record.key() + " at " + record.partition() + "/" + record.offset() + " has no " + name);
    }
    return value;
  }

  /** The table as read so far against the tree's files: what is missing or wrong, and ghosts. */
  Verdict judge(Map<String, String> tree) {
    List<String> wrong = new ArrayList<>();
    for (Map.Entry<String, String> file : tree.entrySet()) {
      Row row = latest.get(file.getKey());
      if (row == null || !row.hashed(file.getValue())) {
        wrong.add(file.getKey() + " reads " + (row == null ? "nothing" : row.status() + " " + row.digest()));
      }
    }
    for (Row row : latest.values()) {
      if (!row.status().equals(Row.TOMBSTONE) && !tree.containsKey(row.key())) {
        wrong.add(row.key() + " is gone but reads " + row.status());
      }
    }
    return new Verdict(results, wrong.size(), duplicates, outOfOrder, lies, wrong.stream().limit(SAMPLES).toList(), List.copyOf(samples));
  }

  /** The checks of every record so far, without a tree to compare with. */
  Verdict checks() {
    return new Verdict(results, 0, duplicates, outOfOrder, lies, List.of(), List.copyOf(samples));
  }

  @Override
  public void close() {
    consumer.close(CloseOptions.timeout(Duration.ofSeconds(5)));
  }
}
