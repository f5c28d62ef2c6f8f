package io.hashstream.consumer.internal;

import io.hashstream.consumer.ConsumerSettings;
import io.hashstream.consumer.ConsumerStoppedException;
import io.hashstream.schemas.FileKey;
import io.hashstream.schemas.avro.FileChangeEvent;
import io.hashstream.schemas.avro.HashResult;
import io.hashstream.schemas.serde.AvroSerializer;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import io.hashstream.consumer.internal.nativeio.FileOpener;
import io.hashstream.consumer.internal.nativeio.RootDirectory;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import java.nio.charset.StandardCharsets;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The poll thread: the only thread that touches the Kafka consumer and the transactional producer.
 *
 * <p>Each round polls, hashes the polled events in offset order per partition (bounded by a record
 * count and a time), then begins a transaction, sends the results, sends the offsets after the
 * finished records with the consumer's group metadata (KIP-447), and commits. No {@code poll()}
 * happens between begin and commit, so a rebalance never meets an open transaction. A failed
 * transaction is aborted and every partition rewound to its committed offset; nothing a failed
 * transaction wrote is visible to {@code read_committed} readers, and nothing it covered is
 * skipped.
 */
public final class HashingLoop implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(HashingLoop.class);
  private static final Duration POLL_TIMEOUT = Duration.ofMillis(500);
  private static final Duration MIN_BACKOFF = Duration.ofMillis(100);
  private static final Duration MAX_BACKOFF = Duration.ofSeconds(5);

  private final ConsumerSettings settings;
  private final ConsumerMetrics metrics;
  private final KafkaConsumer<byte[], byte[]> consumer;
  /** Sends serialized records: results and dead letters share one transaction. */
  private final KafkaProducer<byte[], byte[]> producer;
  private final AvroSerializer<HashResult> resultSerializer;
  private final DeadLetters deadLetters;
  private final Admin admin;
  private final EventDecoder decoder;
  private final ResultRecords results;
  /** Each root's directory descriptor, opened once; closed after the loop ended. */
  private final Map<String, RootDirectory> roots;
  private final FileHashing hashing = new FileHashing(FileOpener.forThisPlatform());
  private final RateLimitedLog unknownRoots = new RateLimitedLog(LOG, Duration.ofMinutes(1));
  private final RateLimitedLog deadLetterWarnings = new RateLimitedLog(LOG, Duration.ofMinutes(1));
  private volatile boolean stopping;
  private Duration backoff = MIN_BACKOFF;

  public HashingLoop(ConsumerSettings settings, ConsumerMetrics metrics) {
    this.settings = settings;
    this.metrics = metrics;
    this.roots = openRoots(settings.roots());
    this.admin = Admin.create(KafkaMaps.admin(settings));
    this.consumer =
        new KafkaConsumer<>(
            KafkaMaps.consumer(settings), new ByteArrayDeserializer(), new ByteArrayDeserializer());
    this.resultSerializer = new AvroSerializer<>();
    resultSerializer.configure(KafkaMaps.serde(settings), false);
    this.producer =
        new KafkaProducer<>(
            KafkaMaps.producer(settings), new ByteArraySerializer(), new ByteArraySerializer());
    this.deadLetters = new DeadLetters(settings.deadLetterTopic());
    this.decoder = new EventDecoder(KafkaMaps.serde(settings));
    this.results = new ResultRecords(settings.hashesTopic(), settings.instanceId(), Clock.systemUTC());
  }

  private static Map<String, RootDirectory> openRoots(Map<String, Path> roots) {
    Map<String, RootDirectory> map = new HashMap<>();
    roots.forEach(
        (name, directory) -> {
          try {
            map.put(name, RootDirectory.open(directory.toRealPath()));
          } catch (IOException e) {
            throw new ConsumerStoppedException(
                "the directory of root " + name + " cannot be used: " + directory + " (" + e.getMessage() + ")");
          }
        });
    return Map.copyOf(map);
  }

  /** Asks the loop to finish its round and return; safe from any thread. */
  public void stop() {
    stopping = true;
    consumer.wakeup();
  }

  /** Runs until {@link #stop} or a fatal error. */
  public void run() throws InterruptedException {
    TopicSetup topics = new TopicSetup(admin, settings.bootstrapServers());
    topics.requireReachable();
    requireRegistry();
    int partitions = topics.awaitTopic(settings.eventsTopic(), () -> stopping);
    if (stopping) {
      return;
    }
    topics.ensureCompacted(settings.hashesTopic(), partitions);
    topics.ensureExists(settings.deadLetterTopic(), partitions);
    try {
      producer.initTransactions();
    } catch (KafkaException e) {
      throw fatalOrRethrow(e);
    }
    FileOpener.nativeUnavailable()
        .ifPresent(reason -> LOG.warn("files are opened through the checked Java path: {}", reason));
    LOG.info("files are opened {}", hashing.description());
    consumer.subscribe(List.of(settings.eventsTopic()), new Rebalances());
    LOG.info(
        "consumer {} hashing {} in group {} into {}",
        settings.instanceId(),
        settings.eventsTopic(),
        settings.groupId(),
        settings.hashesTopic());
    while (!stopping) {
      ConsumerRecords<byte[], byte[]> records;
      try {
        records = consumer.poll(POLL_TIMEOUT);
      } catch (WakeupException e) {
        continue;
      }
      if (records.isEmpty()) {
        continue;
      }
      Batch batch = hash(records);
      commit(batch);
      if (batch.backOff) {
        pause();
      }
    }
  }

  /**
   * Registers (or looks up) the result schema before anything is read: an unreachable registry or
   * an incompatible schema stops the start with one line, after the serde's bounded retries.
   */
  private void requireRegistry() {
    try {
      resultSerializer.prepare(settings.hashesTopic(), HashResult.getClassSchema());
    } catch (org.apache.kafka.common.errors.SerializationException e) {
      String reason = String.valueOf(e.getMessage());
      throw new ConsumerStoppedException(
          switch (io.hashstream.schemas.serde.SerdeFailures.classify(e)) {
            case TRANSIENT -> "cannot reach the schema registry at " + settings.schemaRegistryUrl() + ": " + reason;
            case BAD_RECORD, OTHER -> "the schema registry refused the result schema: " + reason;
          },
          e);
    }
  }

  private Batch hash(ConsumerRecords<byte[], byte[]> records) throws InterruptedException {
    Batch batch = new Batch();
    long deadline = System.nanoTime() + settings.maxBatchTime().toNanos();
    boolean cut = false;
    for (TopicPartition partition : records.partitions()) {
      for (ConsumerRecord<byte[], byte[]> record : records.records(partition)) {
        if (cut || stopping) {
          batch.resumeAt(partition, record.offset());
          break;
        }
        Step step = handle(record);
        switch (step) {
          case Step.Finished finished -> {
            finished.result().ifPresent(batch.results::add);
            finished.deadLetter().ifPresent(batch.deadLetters::add);
            batch.finished(partition, record.offset());
          }
          case Step.RetryLater retry -> {
            batch.resumeAt(partition, record.offset());
            batch.backOff = true;
            cut = true;
          }
          case Step.Hold hold -> {
            batch.resumeAt(partition, record.offset());
            batch.hold.add(partition);
          }
        }
        if (step instanceof Step.Hold) {
          break;
        }
        if (System.nanoTime() > deadline) {
          cut = true;
        }
      }
    }
    return batch;
  }

  /** What became of one record. */
  private sealed interface Step {
    record Finished(
        Optional<ProducerRecord<String, HashResult>> result,
        Optional<ProducerRecord<byte[], byte[]>> deadLetter)
        implements Step {
      static Finished with(Optional<ProducerRecord<String, HashResult>> result) {
        return new Finished(result, Optional.empty());
      }

      static Finished deadLetter(ProducerRecord<byte[], byte[]> copy) {
        return new Finished(Optional.empty(), Optional.of(copy));
      }
    }

    record RetryLater() implements Step {}

    record Hold() implements Step {}
  }

  private Step handle(ConsumerRecord<byte[], byte[]> record) throws InterruptedException {
    EventDecoder.Decoded decoded = decoder.decode(record);
    return switch (decoded) {
      case EventDecoder.Decoded.Transient failure -> {
        LOG.warn("the schema registry cannot be reached; retrying: {}", failure.cause().getMessage());
        yield new Step.RetryLater();
      }
      case EventDecoder.Decoded.Bad bad -> deadLetter(record, bad.code(), bad.reason());
      case EventDecoder.Decoded.Event event -> hashEvent(record, event.event(), event.key());
    };
  }

  private Step hashEvent(ConsumerRecord<byte[], byte[]> record, FileChangeEvent event, FileKey key)
      throws InterruptedException {
    RootDirectory root = roots.get(key.root());
    if (root == null) {
      metrics.unknownRoot();
      unknownRoots.error(
          key.root(),
          "events for the root '{}' arrive at {}-{} but this instance has no directory for it"
              + " (--root {}=DIR); the partition is held at offset {} until it is configured",
          key.root(),
          record.topic(),
          record.partition(),
          key.root(),
          record.offset());
      return new Step.Hold();
    }
    long started = System.nanoTime();
    HashOutcome outcome =
        hashing.hash(root, key.path(), new FileHashing.Expected(event.getSize(), event.getModified()));
    metrics.outcome(outcome, System.nanoTime() - started);
    if (outcome instanceof HashOutcome.Refused refused) {
      return deadLetter(
          record, DeadLetters.Reason.UNSAFE_PATH, "refused the path " + key + ": " + refused.reason());
    }
    ResultRecords.Source source =
        new ResultRecords.Source(event.getEventId(), record.topic(), record.partition(), record.offset());
    return Step.Finished.with(results.of(key, source, outcome));
  }

  /** A record that will never be processed: copied to the dead-letter topic with the offsets. */
  private Step deadLetter(ConsumerRecord<byte[], byte[]> record, DeadLetters.Reason reason, String detail) {
    metrics.deadLettered(reason.code());
    deadLetterWarnings.warn(
        reason.code(),
        "dead-lettering the event at {}-{} offset {} to {} ({}): {}",
        record.topic(),
        record.partition(),
        record.offset(),
        deadLetters.topic(),
        reason.code(),
        detail);
    return Step.Finished.deadLetter(deadLetters.of(record, reason, detail));
  }

  private void commit(Batch batch) throws InterruptedException {
    if (batch.offsets.isEmpty()) {
      reposition(batch);
      return;
    }
    long started = System.nanoTime();
    try {
      producer.beginTransaction();
      for (ProducerRecord<String, HashResult> result : batch.results) {
        // A failed send fails the commit below, which aborts and rewinds: nothing is lost.
        var _ = producer.send(serialized(result));
      }
      for (ProducerRecord<byte[], byte[]> copy : batch.deadLetters) {
        var _ = producer.send(copy);
      }
      TestHook.AFTER_SEND_RESULTS.reached();
      producer.sendOffsetsToTransaction(batch.offsets, consumer.groupMetadata());
      TestHook.AFTER_SEND_OFFSETS.reached();
      TestHook.BEFORE_COMMIT.reached();
      producer.commitTransaction();
    } catch (KafkaException e) {
      if (TransactionErrors.isFatal(e)) {
        throw fatalOrRethrow(e);
      }
      LOG.warn("the transaction failed and is aborted; rewinding to the committed offsets: {}", e.toString());
      metrics.aborted();
      abortAndRewind();
      pause();
      return;
    }
    metrics.committed(batch.results.size(), System.nanoTime() - started);
    backoff = MIN_BACKOFF;
    reposition(batch);
  }

  /**
   * Serializes a result in our code, so a registry outage surfaces here as a transient failure of
   * this transaction (aborted, rewound, retried) rather than as a lost record.
   */
  private ProducerRecord<byte[], byte[]> serialized(ProducerRecord<String, HashResult> result) {
    HashResult value = result.value();
    byte[] bytes = value == null ? null : resultSerializer.serialize(result.topic(), result.headers(), value);
    return new ProducerRecord<>(
        result.topic(), null, result.key().getBytes(StandardCharsets.UTF_8), bytes, result.headers());
  }

  /** Resumes unfinished partitions where they stopped, and holds the ones that must wait. */
  private void reposition(Batch batch) {
    Set<TopicPartition> assigned = consumer.assignment();
    batch.resumeAt.forEach(
        (partition, offset) -> {
          if (assigned.contains(partition)) {
            consumer.seek(partition, offset);
          }
        });
    List<TopicPartition> hold = batch.hold.stream().filter(assigned::contains).toList();
    if (!hold.isEmpty()) {
      consumer.pause(hold);
    }
  }

  private void abortAndRewind() {
    try {
      producer.abortTransaction();
    } catch (KafkaException e) {
      throw fatalOrRethrow(e);
    }
    rewindToCommitted(consumer.assignment());
  }

  private void rewindToCommitted(Set<TopicPartition> partitions) {
    if (partitions.isEmpty()) {
      return;
    }
    Map<TopicPartition, OffsetAndMetadata> committed = consumer.committed(partitions);
    for (TopicPartition partition : partitions) {
      OffsetAndMetadata offset = committed.get(partition);
      if (offset != null) {
        consumer.seek(partition, offset);
      } else {
        consumer.seekToBeginning(Set.of(partition));
      }
    }
  }

  private void pause() throws InterruptedException {
    Thread.sleep(backoff);
    Duration doubled = backoff.multipliedBy(2);
    backoff = doubled.compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : doubled;
  }

  private RuntimeException fatalOrRethrow(KafkaException e) {
    if (TransactionErrors.isFatal(e)) {
      return new ConsumerStoppedException(TransactionErrors.describeFatal(e, settings.instanceId()), e);
    }
    return e;
  }

  /** Logs assignment changes; no transaction is ever open when these run (they run in poll). */
  private final class Rebalances implements ConsumerRebalanceListener {
    @Override
    public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
      if (!partitions.isEmpty()) {
        LOG.info("partitions revoked: {}", partitions);
      }
    }

    @Override
    public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
      if (!partitions.isEmpty()) {
        LOG.info("partitions assigned: {}", partitions);
      }
      metrics.assigned(consumer.assignment().size());
    }

    @Override
    public void onPartitionsLost(Collection<TopicPartition> partitions) {
      LOG.warn("partitions lost: {}", partitions);
    }
  }

  /** Closes the clients; a transaction left open is aborted by the broker (fenced on restart). */
  @Override
  public void close() {
    RuntimeException failure = null;
    List<AutoCloseable> closeables =
        new java.util.ArrayList<>(List.of(producer, consumer, decoder, resultSerializer, admin, hashing));
    closeables.addAll(roots.values());
    for (AutoCloseable closeable : closeables) {
      try {
        closeable.close();
      } catch (Exception e) {
        if (failure == null) {
          failure = new IllegalStateException("closing the consumer's clients failed", e);
        } else {
          failure.addSuppressed(e);
        }
      }
    }
    if (failure != null) {
      throw failure;
    }
  }
}
