package io.hashstream.consumer.internal;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.producer.Producer;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/** The consumer's Micrometer meters, named {@code hashstream.consumer.*}. */
public final class ConsumerMetrics {
  private final Counter hashed;
  private final Counter gone;
  private final Counter notRegular;
  private final Counter unreadable;
  private final Counter unstable;
  private final Counter refused;
  private final Counter bytesHashed;
  private final Timer hashTime;
  private final Timer commitTime;
  private final Counter resultsCommitted;
  private final Counter transactionsAborted;
  private final Counter unknownRoot;
  private final Counter heldForRoot;
  private final AtomicInteger assignedPartitions;
  private final AtomicInteger uncommittedEvents;
  private final AtomicInteger pausedPartitions;
  private final DistributionSummary transactionEvents;
  private final Counter covered;
  private final Counter revoked;
  private final Counter registryUnavailable;
  private final Counter hashingFailures;
  private final Counter hashingThreadsReplaced;
  private final Counter commitsRetried;
  private final Counter producersRenewed;

  private final MeterRegistry registry;
  private final Tags tags;

  /**
   * @param instance the consumer's instance id, a tag on every meter: several instances in one
   *     process (as {@code up} runs them) keep their own gauges
   */
  public ConsumerMetrics(MeterRegistry registry, String instance) {
    this.registry = registry;
    this.tags = Tags.of("instance", instance);
    hashed = outcomeCounter(registry, tags, "hashed");
    gone = outcomeCounter(registry, tags, "gone");
    notRegular = outcomeCounter(registry, tags, "not_regular");
    unreadable = outcomeCounter(registry, tags, "unreadable");
    unstable = outcomeCounter(registry, tags, "unstable");
    refused = outcomeCounter(registry, tags, "refused");
    bytesHashed =
        Counter.builder("hashstream.consumer.hashed.bytes").baseUnit("bytes").tags(tags).register(registry);
    hashTime = Timer.builder("hashstream.consumer.hash.time").tags(tags).register(registry);
    commitTime = Timer.builder("hashstream.consumer.transaction.commit.time").tags(tags).register(registry);
    resultsCommitted = Counter.builder("hashstream.consumer.results.committed").tags(tags).register(registry);
    transactionsAborted = Counter.builder("hashstream.consumer.transactions.aborted").tags(tags).register(registry);
    unknownRoot = Counter.builder("hashstream.consumer.events.unknown.root").tags(tags).register(registry);
    heldForRoot =
        described(
            "hashstream.consumer.events.held.for.root",
            "Times a partition was held at a file not visible under a root that does not show its files");
    assignedPartitions =
        registry.gauge("hashstream.consumer.partitions.assigned", tags, new AtomicInteger());
    uncommittedEvents = registry.gauge("hashstream.consumer.events.uncommitted", tags, new AtomicInteger());
    pausedPartitions = registry.gauge("hashstream.consumer.partitions.paused", tags, new AtomicInteger());
    transactionEvents =
        DistributionSummary.builder("hashstream.consumer.transaction.events")
            .description("Events answered per committed transaction (the batch size)")
            .tags(tags).register(registry);
    covered =
        described(
            "hashstream.consumer.events.covered",
            "Events answered by the result of a newer event of the same key");
    revoked = Counter.builder("hashstream.consumer.partitions.revoked").tags(tags).register(registry);
    registryUnavailable =
        described(
            "hashstream.consumer.registry.unavailable",
            "Reads and commits put off because the schema registry could not be reached");
    hashingFailures =
        described(
            "hashstream.consumer.hashing.failures",
            "Files whose hashing threw: each became an UNREADABLE result");
    hashingThreadsReplaced =
        described(
            "hashstream.consumer.hashing.threads.replaced",
            "Hashing threads ended by an Error and started anew");
    commitsRetried =
        described(
            "hashstream.consumer.transaction.commits.retried",
            "Commits tried again after Kafka did not answer within max.block.ms");
    producersRenewed =
        described(
            "hashstream.consumer.producers.renewed",
            "Transactional producers replaced after a timeout, an expired transaction or a failed abort");
  }

  private Counter described(String name, String description) {
    return Counter.builder(name).description(description).tags(tags).register(registry);
  }

  private static Counter outcomeCounter(MeterRegistry registry, Tags tags, String outcome) {
    return Counter.builder("hashstream.consumer.events")
        .description("Events processed, by outcome")
        .tag("outcome", outcome)
        .tags(tags)
        .register(registry);
  }

  void outcome(HashOutcome outcome, long nanos) {
    Counter counter =
        switch (outcome) {
          case HashOutcome.Hashed done -> {
            bytesHashed.increment((double) done.state().size());
            yield hashed;
          }
          case HashOutcome.Gone missing -> gone;
          case HashOutcome.NotRegular other -> notRegular;
          case HashOutcome.Unreadable denied -> unreadable;
          case HashOutcome.Unstable changing -> unstable;
          case HashOutcome.NotVisible missing -> unstable;
          case HashOutcome.Refused unsafe -> refused;
        };
    counter.increment();
    hashTime.record(nanos, TimeUnit.NANOSECONDS);
  }

  void deadLettered(String reason) {
    Counter.builder("hashstream.consumer.dead.lettered")
        .description("Events copied to the dead-letter topic, by reason")
        .tag("reason", reason)
        .tags(tags).register(registry)
        .increment();
  }

  /** A later look at an uncertain answer: settled, uncertain (looked at again), or stands. */
  void recheck(String outcome) {
    Counter.builder("hashstream.consumer.rechecks")
        .description("Later looks at files whose answer was UNSTABLE, by what they found")
        .tag("outcome", outcome)
        .tags(tags)
        .register(registry)
        .increment();
  }

  void heldForRoot() {
    heldForRoot.increment();
  }

  void unknownRoot() {
    unknownRoot.increment();
  }

  void committed(int results, int events, long nanos) {
    resultsCommitted.increment(results);
    transactionEvents.record(events);
    commitTime.record(nanos, TimeUnit.NANOSECONDS);
  }

  void covered() {
    covered.increment();
  }

  void revoked(int partitions) {
    revoked.increment(partitions);
  }

  void registryUnavailable() {
    registryUnavailable.increment();
  }

  void inFlight(int uncommitted, int paused) {
    uncommittedEvents.set(uncommitted);
    pausedPartitions.set(paused);
  }

  /**
   * A Kafka client's own metrics, consumer lag ({@code kafka.consumer.fetch.manager.records.lag})
   * among them; the caller closes them with the client.
   */
  KafkaClientMetrics bindClient(Consumer<?, ?> consumer) {
    KafkaClientMetrics bound = new KafkaClientMetrics(consumer, tags);
    bound.bindTo(registry);
    return bound;
  }

  KafkaClientMetrics bindClient(Producer<?, ?> producer) {
    KafkaClientMetrics bound = new KafkaClientMetrics(producer, tags);
    bound.bindTo(registry);
    return bound;
  }

  /** From a hashing thread. */
  void hashingFailed() {
    hashingFailures.increment();
  }

  /** From a hashing thread. */
  void hashingThreadReplaced() {
    hashingThreadsReplaced.increment();
  }

  void commitRetried() {
    commitsRetried.increment();
  }

  void producerRenewed() {
    producersRenewed.increment();
  }

  void aborted() {
    transactionsAborted.increment();
  }

  void assigned(int partitions) {
    assignedPartitions.set(partitions);
  }
}
