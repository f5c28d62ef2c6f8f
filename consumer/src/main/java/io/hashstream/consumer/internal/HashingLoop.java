package io.hashstream.consumer.internal;

import io.hashstream.consumer.ConsumerHealth;
import io.hashstream.consumer.ConsumerSettings;
import io.hashstream.consumer.HashAlgorithm;
import io.hashstream.consumer.ConsumerStoppedException;
import io.hashstream.nativeio.FileOpener;
import io.hashstream.schemas.security.Refusals;
import io.hashstream.schemas.FileKey;
import io.hashstream.schemas.SourceHeaders;
import io.hashstream.schemas.avro.FileChangeEvent;
import io.hashstream.schemas.avro.HashResult;
import io.hashstream.schemas.serde.AvroSerializer;
import io.hashstream.schemas.serde.SerdeFailures;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The poll thread: the only thread that touches the Kafka consumer and the transactional producer.
 *
 * <p>It decodes each polled event and hands the file to {@link HashWorkers}, never waiting on a
 * hash. Per partition, records settle in any order but are committed in offset order: each
 * transaction carries, per partition, the answers of the longest settled run of records after the
 * last commit, in offset order, with the offset after that run (KIP-447: the consumer's group
 * metadata). A transaction is committed once it holds {@code maxBatchRecords} answers, once the
 * input is drained (at most every 50 ms), or {@code maxBatchTime} after its first answer. No {@code poll()}
 * happens between begin and commit, so a rebalance never meets an open transaction. A failed
 * transaction is aborted, every hash in flight cancelled, and every partition rewound to its
 * committed offset: nothing a failed transaction wrote is visible to {@code read_committed}
 * readers, and nothing it covered is skipped.
 *
 * <p>A partition whose uncommitted records reach {@code maxBatchRecords} (its oldest file is huge,
 * say) is paused, and all are once twice that many are uncommitted: memory stays bounded while
 * the poll thread keeps polling, so the instance stays in its group however long a file takes, and
 * the other partitions keep committing.
 */
public final class HashingLoop implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(HashingLoop.class);
  private static final Duration POLL_TIMEOUT = Duration.ofMillis(500);
  /** While hashes are in flight: how long to wait for one to finish before polling again. */
  private static final Duration COMPLETION_WAIT = Duration.ofMillis(20);
  /** Once drained, at most this often a commit: at most 20 transactions a second when keeping up. */
  private static final Duration MIN_COMMIT_INTERVAL = Duration.ofMillis(50);

  private final ConsumerSettings settings;
  private final ConsumerMetrics metrics;
  private final KafkaConsumer<byte[], byte[]> consumer;
  /** Sends serialized records: results and dead letters share one transaction. */
  private final Transactions transactions;
  private final Outage outage;
  /** Only at start: once the result schema is known, the serde's cache needs no registry. */
  private final Outage registryOutage;
  private final AvroSerializer<HashResult> resultSerializer;
  private final DeadLetters deadLetters;
  private final Admin admin;
  private final EventDecoder decoder;
  private final ResultRecords results;
  /** Each root's directory, opened at the start and anew when it changes; closed after the loop ended. */
  private final Map<String, LiveRoot> roots;
  /** Tasks the hashing threads finished, for the poll thread. */
  private final BlockingQueue<HashTask> completions = new LinkedBlockingQueue<>();
  private final HashWorkers workers;
  /** Poll thread only: uncertain answers looked at again. */
  private final Rechecks rechecks;
  /** Written by the poll thread at each rebalance, read by continuous verify. */
  private volatile Set<Integer> assigned = Set.of();
  /** Poll thread only: the assigned partitions' uncommitted records. */
  private final Map<TopicPartition, PartitionWork> works = new HashMap<>();
  private final RateLimitedLog unknownRoots = new RateLimitedLog(LOG, Duration.ofMinutes(1));
  private final RateLimitedLog deadLetterWarnings = new RateLimitedLog(LOG, Duration.ofMinutes(1));
  private final RateLimitedLog transientWarnings = new RateLimitedLog(LOG, Duration.ofMinutes(1));
  private final RateLimitedLog heldWarnings = new RateLimitedLog(LOG, Duration.ofMinutes(1));
  private final KafkaClientMetrics clientMetrics;
  private volatile boolean stopping;
  /** Set by a hashing thread that ran out of memory: the instance stops at its next round. */
  private volatile @Nullable String outOfMemory;
  /** Set when {@link #run} returned: a revocation from {@code close()} then commits nothing. */
  private boolean ended;
  /** After a failed transaction or a registry that cannot serialize results. */
  private final Backoff backoff = new Backoff();
  /** When the oldest uncommitted answer settled ({@link System#nanoTime}); valid while any is ready. */
  private long firstReadyNanos;
  /** A transient registry failure while serializing results: no commit before this time. */
  private long commitNotBefore = System.nanoTime();
  /** When the last transaction committed ({@link System#nanoTime}). */
  private long lastCommitNanos = System.nanoTime() - MIN_COMMIT_INTERVAL.toNanos();

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
    this.outage = new Outage("Kafka", settings.bootstrapServers());
    this.registryOutage = new Outage("The schema registry", settings.schemaRegistryUrl());
    this.transactions = new Transactions(settings, metrics, outage);
    this.deadLetters = new DeadLetters(settings.deadLetterTopic());
    this.decoder = new EventDecoder(KafkaMaps.serde(settings));
    this.results = new ResultRecords(settings.hashesTopic(), settings.instanceId(), Clock.systemUTC());
    this.clientMetrics = metrics.bindClient(consumer);
    this.rechecks = new Rechecks(metrics);
    this.workers =
        new HashWorkers(
            settings.hashingThreads(),
            "hashstream-" + settings.instanceId(),
            settings.algorithms(),
            ReadThrottle.fromSystemProperty(),
            metrics,
            completions::add,
            this::outOfMemory);
  }

  private static Map<String, LiveRoot> openRoots(Map<String, Path> roots) {
    Map<String, LiveRoot> map = new HashMap<>();
    roots.forEach(
        (name, directory) -> {
          try {
            map.put(name, LiveRoot.open(name, directory));
          } catch (IOException e) {
            throw new ConsumerStoppedException(
                "the directory of root " + name + " cannot be used: " + directory + " (" + e.getMessage() + ")");
          }
        });
    return Map.copyOf(map);
  }

  /** Asks the loop to commit what is finished and return; safe from any thread. */
  public void stop() {
    stopping = true;
    consumer.wakeup();
  }

  private void outOfMemory(HashTask task, OutOfMemoryError e) {
    // Nothing is allocated beyond this line: the poll thread says it and stops.
    outOfMemory = "out of memory while hashing " + task.key().key() + " (" + e.getMessage() + ")";
    consumer.wakeup();
  }

  /** Ready, degraded after a hashing thread was replaced, failing once it must stop. */
  public ConsumerHealth health() {
    String fatal = outOfMemory;
    if (fatal != null) {
      return new ConsumerHealth(ConsumerHealth.Status.FAILING, fatal);
    }
    String unanswered = outage.describe();
    if (unanswered == null) {
      unanswered = registryOutage.describe();
    }
    if (unanswered != null) {
      return new ConsumerHealth(ConsumerHealth.Status.DEGRADED, unanswered);
    }
    List<String> suspects = new ArrayList<>();
    roots.values().forEach(root -> {
      String suspect = root.suspect();
      if (suspect != null) {
        suspects.add("root " + root.name() + " is held: " + suspect);
      }
    });
    if (!suspects.isEmpty()) {
      return new ConsumerHealth(ConsumerHealth.Status.DEGRADED, String.join("; ", suspects));
    }
    int replaced = workers.replaced();
    if (replaced > 0) {
      return new ConsumerHealth(
          ConsumerHealth.Status.DEGRADED,
          replaced + " hashing thread(s) ended by an Error and replaced; see the log");
    }
    return ConsumerHealth.ready();
  }

  /** Runs until {@link #stop} or a fatal error. */
  public void run() throws InterruptedException {
    if (!prepare()) {
      return;
    }
    FileOpener.nativeUnavailable()
        .ifPresent(reason -> LOG.warn("files are opened through the checked Java path: {}", reason));
    LOG.info(
        "files are opened {}, by {} hashing threads, hashed with {}",
        workers.description(),
        settings.hashingThreads(),
        HashAlgorithm.names(settings.algorithms()));
    roots.values().forEach(root -> LOG.info("{}", root.describe()));
    consumer.subscribe(List.of(settings.eventsTopic()), new Rebalances());
    LOG.info(
        "consumer {} hashing {} in group {} into {}",
        settings.instanceId(),
        settings.eventsTopic(),
        settings.groupId(),
        settings.hashesTopic());
    try {
      while (!stopping) {
        round();
      }
      commitWhatIsFinished();
    } finally {
      // Whatever is still hashing is not wanted: the hashing threads drop it at their next buffer.
      ended = true;
      works.values().forEach(PartitionWork::abandon);
      works.clear();
    }
  }

  /**
   * Waits for Kafka as long as it takes (saying so once, and once more when it answers), checks
   * the registry and the topics, and initializes the producer.
   *
   * @return false if stopped first
   */
  private boolean prepare() throws InterruptedException {
    TopicSetup topics = new TopicSetup(admin, settings.bootstrapServers(), Refusals.principalOf(settings.clientProperties()));
    Backoff wait = new Backoff();
    while (!stopping) {
      try {
        topics.requireReachable();
        requireRegistry();
        int partitions = topics.awaitTopic(settings.eventsTopic(), () -> stopping);
        if (stopping) {
          return false;
        }
        topics.ensureCompacted(settings.hashesTopic(), partitions);
        topics.ensureExists(settings.deadLetterTopic(), partitions);
        return transactions.init(() -> stopping);
      } catch (KafkaUnavailableException e) {
        outage.unanswered(String.valueOf(e.getMessage()));
        Thread.sleep(wait.next());
      } catch (RegistryUnreachableException e) {
        registryOutage.unanswered(String.valueOf(e.getMessage()));
        Thread.sleep(wait.next());
      }
    }
    return false;
  }

  private void round() throws InterruptedException {
    requireMemory();
    boolean inFlight = pendingCount() > 0;
    ConsumerRecords<byte[], byte[]> records;
    try {
      records = consumer.poll(inFlight ? Duration.ZERO : idlePollTimeout());
    } catch (WakeupException e) {
      return;
    } catch (KafkaException e) {
      String fatal = TransactionErrors.fatal(e, TransactionErrors.Who.of(settings), "Read");
      if (fatal != null) {
        throw new ConsumerStoppedException(fatal, e);
      }
      throw e;
    }
    dispatch(records);
    rechecks.submitDue(System.nanoTime(), workers::submit);
    if (records.isEmpty() && inFlight) {
      HashTask finished = completions.poll(COMPLETION_WAIT.toNanos(), TimeUnit.NANOSECONDS);
      if (finished != null) {
        completed(finished);
      }
    }
    collectSettled();
    if (commitDue(records.isEmpty())) {
      requireMemory();
      commit();
    }
    adjustPauses();
  }

  /** The JVM cannot be trusted after an OutOfMemoryError: nothing more is committed. */
  private void requireMemory() {
    String fatal = outOfMemory;
    if (fatal != null) {
      throw new ConsumerStoppedException(fatal + ": the instance stops, as the JVM cannot be trusted after it");
    }
  }

  /** With nothing in flight: poll until the ready answers are due, or for the poll timeout. */
  private Duration idlePollTimeout() {
    if (readyCount() == 0) {
      return POLL_TIMEOUT;
    }
    long untilDue = lastCommitNanos + MIN_COMMIT_INTERVAL.toNanos() - System.nanoTime();
    return Duration.ofNanos(Math.clamp(untilDue, 0, POLL_TIMEOUT.toNanos()));
  }

  /**
   * Registers (or looks up) the result schema before anything is read. An unreachable registry is
   * waited for, as an unreachable broker is: an instance started during a registry outage must
   * join once it is over. An incompatible schema stops the start with one line.
   */
  private void requireRegistry() {
    try {
      resultSerializer.prepare(settings.hashesTopic(), HashResult.getClassSchema());
      registryOutage.answered();
    } catch (SerializationException e) {
      String reason = String.valueOf(e.getMessage());
      switch (SerdeFailures.classify(e)) {
        case TRANSIENT -> throw new RegistryUnreachableException(reason, e);
        case BAD_RECORD, OTHER ->
            throw new ConsumerStoppedException("the schema registry refused the result schema: " + reason, e);
      }
    }
  }

  /** The registry did not answer within the serde's bounded retries; the start tries again. */
  private static final class RegistryUnreachableException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    RegistryUnreachableException(String message, Throwable cause) {
      super(message, cause);
    }
  }

  private void dispatch(ConsumerRecords<byte[], byte[]> records) {
    for (TopicPartition partition : records.partitions()) {
      PartitionWork work = works.computeIfAbsent(partition, PartitionWork::new);
      for (ConsumerRecord<byte[], byte[]> record : records.records(partition)) {
        if (!take(work, record)) {
          // The rest of this poll's records of the partition are read again from here.
          consumer.seek(partition, record.offset());
          break;
        }
      }
    }
  }

  /** Takes one record into its partition's work; false if the partition must stop before it. */
  private boolean take(PartitionWork work, ConsumerRecord<byte[], byte[]> record) {
    EventDecoder.Decoded decoded = decoder.decode(record);
    return switch (decoded) {
      case EventDecoder.Decoded.Transient failure -> {
        Duration wait = work.retryLater(System.nanoTime());
        transientWarnings.warn(
            "registry",
            "the schema registry cannot be reached; {} waits {} ms before reading offset {} again: {}",
            work.partition(),
            wait.toMillis(),
            record.offset(),
            String.valueOf(failure.cause().getMessage()));
        metrics.registryUnavailable();
        yield false;
      }
      case EventDecoder.Decoded.Bad bad -> {
        work.decoded();
        work.answered(new PendingRecord.Answered(record.offset(), deadLetter(record, bad.code(), bad.reason())));
        yield true;
      }
      case EventDecoder.Decoded.Event event -> {
        work.decoded();
        yield takeEvent(work, record, event.event(), event.key());
      }
    };
  }

  private boolean takeEvent(
      PartitionWork work, ConsumerRecord<byte[], byte[]> record, FileChangeEvent event, FileKey key) {
    LiveRoot root = roots.get(key.root());
    rechecks.drop(key.key());
    if (root != null) {
      work.hash(new HashTask(record, event, key, root, work, HashTask.State.WAITING), workers::submit);
      return true;
    }
    metrics.unknownRoot();
    return switch (settings.unknownRoots()) {
      case HOLD -> {
        unknownRoots.error(
            key.root(),
            "events for the root '{}' arrive at {}-{} but this instance has no directory for it"
                + " (--root {}=DIR); the partition is held at offset {} until it is configured",
            key.root(),
            record.topic(),
            record.partition(),
            key.root(),
            record.offset());
        work.hold();
        yield false;
      }
      case DEAD_LETTER -> {
        String detail = "this instance has no directory for the root '" + key.root() + "'";
        work.answered(
            new PendingRecord.Answered(record.offset(), deadLetter(record, DeadLetters.Reason.UNKNOWN_ROOT, detail)));
        yield true;
      }
    };
  }

  /** A finished task: the next event of its key may be hashed now. */
  private void completed(HashTask task) {
    if (task.look() > 0) {
      rechecks.completed(task, System.nanoTime());
      return;
    }
    PartitionWork work = works.get(task.owner().partition());
    if (work == task.owner()) {
      work.completed(task, workers::submit);
    }
  }

  private void collectSettled() {
    for (HashTask task; (task = completions.poll()) != null; ) {
      completed(task);
    }
    boolean wasEmpty = readyCount() == 0;
    long now = System.nanoTime();
    for (PartitionWork work : works.values()) {
      HashTask held = work.collectSettled(this::answer, HashingLoop::heldForItsRoot);
      if (held != null) {
        holdAt(work, held, now);
      }
    }
    if (wasEmpty && readyCount() > 0) {
      firstReadyNanos = System.nanoTime();
    }
  }

  /** A file not visible under a suspect root: not answered UNSTABLE, but read again later. */
  private static boolean heldForItsRoot(HashTask task) {
    return task.outcome() instanceof HashOutcome.NotVisible && task.root().suspect() != null;
  }

  /** Reads the partition again from {@code held} once its wait is over; what came before commits. */
  private void holdAt(PartitionWork work, HashTask held, long now) {
    Duration wait = work.holdPending(now);
    consumer.seek(work.partition(), held.offset());
    metrics.heldForRoot();
    heldWarnings.warn(
        work.partition().toString(),
        "{} waits at offset {} for root {} to show its files ({}); looked at again in {} ms",
        work.partition(),
        held.offset(),
        held.root().name(),
        String.valueOf(held.root().suspect()),
        wait.toMillis());
  }

  /** What a settled record adds to the transaction. */
  private Output answer(PendingRecord record) {
    return switch (record) {
      case PendingRecord.Answered answered -> answered.output();
      case HashTask task -> {
        if (task.state() == HashTask.State.COVERED) {
          metrics.covered();
          yield new Output.Covered();
        }
        HashOutcome outcome = task.outcome();
        metrics.outcome(outcome, task.hashNanos());
        if (outcome instanceof HashOutcome.Refused refused) {
          yield deadLetter(
              task.record(),
              DeadLetters.Reason.UNSAFE_PATH,
              "refused the path " + task.key() + ": " + refused.reason());
        }
        if (Rechecks.uncertain(outcome)) {
          rechecks.schedule(task, System.nanoTime());
        } else {
          rechecks.drop(task.key().key());
        }
        yield new Output.Result(resultOf(task));
      }
    };
  }

  /** The result of a finished task that is not a refused path: its own event's, or a later look's. */
  private ProducerRecord<String, HashResult> resultOf(HashTask task) {
    HashOutcome outcome = task.outcome();
    ConsumerRecord<byte[], byte[]> source = task.record();
    ResultRecords.Source from =
        new ResultRecords.Source(task.event().getEventId(), source.topic(), source.partition(), source.offset());
    // Only a refused path has no result, and callers dead-letter or drop it first.
    ProducerRecord<String, HashResult> result =
        results.of(task.key(), from, outcome).orElseThrow(() -> new IllegalStateException("no result for " + outcome));
    if (task.look() > 0) {
      result.headers().add(SourceHeaders.RECHECK, Integer.toString(task.look()).getBytes(StandardCharsets.UTF_8));
    }
    return result;
  }

  /**
   * Where {@code work}'s partition stands for a transaction that carries no answer of its own (a
   * later look's result): after its ready answers, at its first pending record, or where it is read.
   */
  private OptionalLong restingOffset(PartitionWork work) {
    OptionalLong ready = work.commitOffset();
    if (ready.isPresent()) {
      return ready;
    }
    OptionalLong pending = work.firstPendingOffset();
    if (pending.isPresent()) {
      return pending;
    }
    try {
      return OptionalLong.of(consumer.position(work.partition(), Duration.ofMillis(100)));
    } catch (TimeoutException e) {
      return OptionalLong.empty();
    }
  }

  /** A record that will never be processed: copied to the dead-letter topic with the offsets. */
  private Output deadLetter(ConsumerRecord<byte[], byte[]> record, DeadLetters.Reason reason, String detail) {
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
    return new Output.DeadLetter(deadLetters.of(record, reason, detail));
  }

  private int pendingCount() {
    int count = 0;
    for (PartitionWork work : works.values()) {
      count += work.pendingCount();
    }
    return count;
  }

  private int readyCount() {
    int count = rechecks.foundCount();
    for (PartitionWork work : works.values()) {
      count += work.readyCount();
    }
    return count;
  }

  /**
   * Whether to commit now: a full batch, or the oldest answer waited {@code maxBatchTime}, or the
   * input is drained (the last poll returned nothing and nothing is hashing), but not sooner than
   * {@link #MIN_COMMIT_INTERVAL} after the last commit: each transaction costs the broker markers
   * on every partition it wrote, so a consumer that keeps up with a fast producer must not commit
   * at every poll.
   */
  private boolean commitDue(boolean drained) {
    int ready = readyCount();
    if (ready == 0) {
      return false;
    }
    long now = System.nanoTime();
    if (now - commitNotBefore < 0) {
      return false;
    }
    return ready >= settings.maxBatchRecords()
        || now - firstReadyNanos >= settings.maxBatchTime().toNanos()
        || (drained && pendingCount() == 0 && now - lastCommitNanos >= MIN_COMMIT_INTERVAL.toNanos());
  }

  /** On a stop or a revocation: commits the answers that are ready, now. */
  private void commitWhatIsFinished() throws InterruptedException {
    collectSettled();
    if (readyCount() > 0) {
      commit();
    }
  }

  private void commit() throws InterruptedException {
    Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
    List<ProducerRecord<byte[], byte[]>> sends = new ArrayList<>();
    List<Rechecks.Found> looks = new ArrayList<>();
    int answered = 0;
    int resultCount = 0;
    try {
      // First: an answer of the same transaction for a newer event of the key must win.
      for (Rechecks.Found look : rechecks.found()) {
        PartitionWork work = works.get(look.partition());
        OptionalLong resting = work == null ? OptionalLong.empty() : restingOffset(work);
        if (resting.isEmpty()) {
          continue;
        }
        // With the partition's offset, so a zombie instance is fenced (KIP-447) like any other.
        offsets.putIfAbsent(look.partition(), new OffsetAndMetadata(resting.getAsLong()));
        sends.add(serialized(resultOf(look.look())));
        looks.add(look);
        resultCount++;
      }
      for (PartitionWork work : works.values()) {
        OptionalLong offset = work.commitOffset();
        if (offset.isEmpty()) {
          continue;
        }
        offsets.put(work.partition(), new OffsetAndMetadata(offset.getAsLong()));
        answered += work.readyCount();
        for (Output output : work.ready()) {
          switch (output) {
            case Output.Result result -> {
              sends.add(serialized(result.record()));
              resultCount++;
            }
            case Output.DeadLetter copy -> sends.add(copy.copy());
            case Output.Covered covered -> {}
          }
        }
      }
    } catch (SerializationException e) {
      if (SerdeFailures.classify(e) != SerdeFailures.Kind.TRANSIENT) {
        throw new ConsumerStoppedException("the schema registry refused a result: " + e.getMessage(), e);
      }
      transientWarnings.warn(
          "registry", "the schema registry cannot be reached; the commit waits: {}", String.valueOf(e.getMessage()));
      metrics.registryUnavailable();
      commitNotBefore = System.nanoTime() + backoff.next().toNanos();
      return;
    }
    long started = System.nanoTime();
    if (!transactions.commit(sends, offsets, consumer.groupMetadata(), () -> stopping)) {
      abandonAndRewind();
      Thread.sleep(backoff.next());
      return;
    }
    works.values().forEach(PartitionWork::committed);
    rechecks.committed(looks);
    lastCommitNanos = System.nanoTime();
    metrics.committed(resultCount, answered, lastCommitNanos - started);
    backoff.reset();
  }

  /**
   * Serializes a result in our code, so a registry outage surfaces before the transaction begins
   * and the answers wait in memory instead of being lost.
   */
  private ProducerRecord<byte[], byte[]> serialized(ProducerRecord<String, HashResult> result) {
    HashResult value = result.value();
    byte[] bytes = value == null ? null : resultSerializer.serialize(result.topic(), result.headers(), value);
    return new ProducerRecord<>(
        result.topic(), null, result.key().getBytes(StandardCharsets.UTF_8), bytes, result.headers());
  }

  /**
   * Pauses each partition that must not be read now: held at an unknown root, waiting after a
   * transient failure, or with too many uncommitted records (on its own, or all together). Ready
   * answers count as much as records still hashing: a commit that is held (a registry outage, a
   * broker that does not answer) must not let them grow without bound.
   */
  private void adjustPauses() {
    long now = System.nanoTime();
    int uncommitted = pendingCount() + readyCount();
    boolean full = uncommitted >= 2 * settings.maxBatchRecords();
    Set<TopicPartition> assigned = consumer.assignment();
    Set<TopicPartition> paused = consumer.paused();
    List<TopicPartition> pause = new ArrayList<>();
    List<TopicPartition> resume = new ArrayList<>();
    int pausedNow = 0;
    for (PartitionWork work : works.values()) {
      TopicPartition partition = work.partition();
      if (!assigned.contains(partition)) {
        continue;
      }
      boolean backingOff = work.backingOff(now);
      boolean wait =
          work.held()
              || backingOff
              || full
              || work.pendingCount() + work.readyCount() >= settings.maxBatchRecords();
      if (wait) {
        pausedNow++;
        if (!paused.contains(partition)) {
          pause.add(partition);
        }
      } else if (paused.contains(partition)) {
        resume.add(partition);
      }
    }
    if (!pause.isEmpty()) {
      consumer.pause(pause);
    }
    if (!resume.isEmpty()) {
      consumer.resume(resume);
    }
    metrics.inFlight(uncommitted, pausedNow);
  }

  /** After a transaction that did not commit: nothing it covered is skipped. */
  private void abandonAndRewind() throws InterruptedException {
    // Fresh work for every partition: completions of the old tasks are recognized and dropped.
    works.replaceAll(
        (partition, work) -> {
          work.abandon();
          return new PartitionWork(partition);
        });
    rewindToCommitted(consumer.assignment());
  }

  private void rewindToCommitted(Set<TopicPartition> partitions) throws InterruptedException {
    if (partitions.isEmpty()) {
      return;
    }
    consumer.resume(partitions);
    Map<TopicPartition, OffsetAndMetadata> committed = committedOffsets(partitions);
    if (committed == null) {
      return;
    }
    for (TopicPartition partition : partitions) {
      OffsetAndMetadata offset = committed.get(partition);
      if (offset != null) {
        consumer.seek(partition, offset);
      } else {
        consumer.seekToBeginning(Set.of(partition));
      }
    }
  }

  /**
   * The group's committed offsets, asked again for as long as Kafka does not answer; null if
   * stopped first (then nothing more is committed, and where the consumer stands does not matter).
   */
  private @Nullable Map<TopicPartition, OffsetAndMetadata> committedOffsets(
      Set<TopicPartition> partitions) throws InterruptedException {
    Backoff wait = new Backoff();
    while (!stopping) {
      try {
        Map<TopicPartition, OffsetAndMetadata> committed = consumer.committed(partitions);
        outage.answered();
        return committed;
      } catch (TimeoutException e) {
        outage.unanswered("reading the committed offsets: " + e.getMessage());
        Thread.sleep(wait.next());
      }
    }
    return null;
  }

  /** Poll thread: publishes the events partitions held now, for {@link #assignedPartitions}. */
  private void noteAssignment() {
    Set<Integer> held = new java.util.HashSet<>();
    for (TopicPartition partition : works.keySet()) {
      held.add(partition.partition());
    }
    assigned = Set.copyOf(held);
  }

  /** The partitions of the events topic this instance holds now; safe from any thread. */
  public Set<Integer> assignedPartitions() {
    return assigned;
  }

  /**
   * Runs inside {@code poll()}, where no transaction is ever open. A revocation commits what is
   * finished and cancels the hashes of the revoked partitions, never waiting for one.
   */
  private final class Rebalances implements ConsumerRebalanceListener {
    @Override
    public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
      if (partitions.isEmpty()) {
        return;
      }
      LOG.info("partitions revoked: {}", partitions);
      if (ended) {
        // Closing: the loop committed what it had and abandoned the rest.
        return;
      }
      metrics.revoked(partitions.size());
      try {
        commitWhatIsFinished();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } finally {
        forget(partitions);
      }
    }

    @Override
    public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
      if (!partitions.isEmpty()) {
        LOG.info("partitions assigned: {}", partitions);
      }
      for (TopicPartition partition : partitions) {
        works.computeIfAbsent(partition, PartitionWork::new);
      }
      metrics.assigned(consumer.assignment().size());
      noteAssignment();
    }

    @Override
    public void onPartitionsLost(Collection<TopicPartition> partitions) {
      LOG.warn("partitions lost: {}", partitions);
      metrics.revoked(partitions.size());
      forget(partitions);
    }

    private void forget(Collection<TopicPartition> partitions) {
      rechecks.forget(partitions);
      for (TopicPartition partition : partitions) {
        PartitionWork work = works.remove(partition);
        if (work != null) {
          work.abandon();
        }
      }
      noteAssignment();
    }
  }

  /** Stops the hashing threads, then closes the clients; an open transaction is aborted by the broker. */
  @Override
  public void close() {
    RuntimeException failure = null;
    List<AutoCloseable> closeables =
        new ArrayList<>(
            List.of(workers, clientMetrics, consumer, transactions, decoder, resultSerializer, admin));
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
