package io.hashstream.cli;

import io.hashstream.consumer.ConsumerHealth;
import io.hashstream.consumer.ConsumerSettings;
import io.hashstream.consumer.HashingConsumer;
import io.hashstream.consumer.UnknownRootPolicy;
import io.hashstream.schemas.Topics;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code hashstream consumer}: one instance of the hashing consumer group. */
@Command(
    name = "consumer",
    mixinStandardHelpOptions = true,
    description = {
      "Hashes the files that events name (SHA-256) and writes the results exactly once to the"
          + " compacted hash topic. Start more instances with the same --group to share the"
          + " partitions; each needs its own --instance-id.",
    })
final class ConsumerCommand implements Callable<Integer> {
  private static final long STOP_TIMEOUT_SECONDS = 30;

  @Mixin private ClusterOptions cluster = new ClusterOptions();
  @Mixin private MetricsOptions metrics = new MetricsOptions();
  @Mixin private AlgorithmOptions algorithmOptions = new AlgorithmOptions();

  @Option(
      names = "--root",
      paramLabel = "NAME=DIR",
      required = true,
      description = "A root this instance hashes, and where it sees it (repeatable).")
  private List<String> roots = new ArrayList<>();

  @Option(
      names = "--group",
      paramLabel = "NAME",
      defaultValue = "${env:HASHSTREAM_GROUP:-" + ConsumerSettings.DEFAULT_GROUP + "}",
      description = "The consumer group (env HASHSTREAM_GROUP; default: ${DEFAULT-VALUE}).")
  private String group = ConsumerSettings.DEFAULT_GROUP;

  @Option(
      names = "--instance-id",
      paramLabel = "ID",
      defaultValue = "${env:HASHSTREAM_INSTANCE_ID}",
      description =
          "This instance's stable name, unique in the group; a restart with the same id takes over"
              + " at once (env HASHSTREAM_INSTANCE_ID; default: the host name).")
  private @Nullable String instanceId;

  @Option(
      names = "--events-topic",
      paramLabel = "TOPIC",
      defaultValue = Topics.EVENTS,
      description = "The events topic (default: ${DEFAULT-VALUE}).")
  private String eventsTopic = Topics.EVENTS;

  @Option(
      names = "--hashes-topic",
      paramLabel = "TOPIC",
      defaultValue = Topics.HASHES,
      description = "The compacted hash topic (default: ${DEFAULT-VALUE}).")
  private String hashesTopic = Topics.HASHES;

  @Option(
      names = "--transaction-timeout",
      paramLabel = "DURATION",
      defaultValue = "15s",
      converter = DurationConverter.class,
      description =
          "How long the broker keeps a transaction of a crashed instance open before aborting it;"
              + " a restart with the same --instance-id aborts it at once (default: ${DEFAULT-VALUE}).")
  private Duration transactionTimeout = ConsumerSettings.DEFAULT_TRANSACTION_TIMEOUT;

  @Option(
      names = "--batch-records",
      paramLabel = "N",
      defaultValue = "" + ConsumerSettings.DEFAULT_MAX_BATCH_RECORDS,
      description = "At most this many events per transaction (default: ${DEFAULT-VALUE}).")
  private int batchRecords = ConsumerSettings.DEFAULT_MAX_BATCH_RECORDS;

  @Option(
      names = "--hashing-threads",
      paramLabel = "N",
      defaultValue = "${env:HASHSTREAM_HASHING_THREADS}",
      description =
          "Threads that hash files, each with its own digest and buffer (env"
              + " HASHSTREAM_HASHING_THREADS; default: the number of processors).")
  private @Nullable Integer hashingThreads;

  @Option(
      names = "--unknown-roots",
      paramLabel = "hold|dead-letter",
      defaultValue = "${env:HASHSTREAM_UNKNOWN_ROOTS:-hold}",
      converter = UnknownRootsConverter.class,
      description =
          "An event for a root this instance has no --root for: 'hold' its partition there (a"
              + " configuration error: logged, counted, /health degraded) or 'dead-letter' it, for"
              + " groups that split roots on purpose (env HASHSTREAM_UNKNOWN_ROOTS; default:"
              + " ${DEFAULT-VALUE}).")
  private UnknownRootPolicy unknownRoots = UnknownRootPolicy.HOLD;

  @Option(
      names = "--verify-rate",
      paramLabel = "BYTES",
      defaultValue = "${env:HASHSTREAM_VERIFY_RATE:-0}",
      converter = ByteCountConverter.class,
      description =
          "Verify the files of this instance's partitions continuously, reading at most this many"
              + " bytes per second (such as 2M): what 'hashstream verify' does, in passes that go on"
              + " across restarts and rebalances, drift logged at ERROR and counted (env"
              + " HASHSTREAM_VERIFY_RATE; default: 0, off).")
  private long verifyRate;

  /** {@code hold} or {@code dead-letter}, as users write them. */
  static final class UnknownRootsConverter implements CommandLine.ITypeConverter<UnknownRootPolicy> {
    @Override
    public UnknownRootPolicy convert(String value) {
      return switch (value.strip().toLowerCase(java.util.Locale.ROOT)) {
        case "hold" -> UnknownRootPolicy.HOLD;
        case "dead-letter" -> UnknownRootPolicy.DEAD_LETTER;
        default ->
            throw new CommandLine.TypeConversionException(
                "'" + value + "' is not hold or dead-letter");
      };
    }
  }

  @Override
  public Integer call() throws InterruptedException {
    cluster.requireMatchingListener();
    ConsumerSettings settings;
    try {
      settings =
          ConsumerSettings.of(
                  cluster.bootstrapServers(),
                  cluster.schemaRegistry(),
                  instanceId(),
                  RootArguments.parse(roots))
              .withGroup(group)
              .withTopics(eventsTopic, hashesTopic)
              .withClientProperties(cluster.clientProperties())
              .withTransactionTimeout(transactionTimeout)
              .withBatch(batchRecords, ConsumerSettings.DEFAULT_MAX_BATCH_TIME)
              .withHashingThreads(
                  hashingThreads == null ? ConsumerSettings.defaultHashingThreads() : hashingThreads)
              .withUnknownRoots(unknownRoots)
              .withAlgorithms(algorithmOptions.algorithms());
    } catch (IllegalArgumentException e) {
      throw new UserErrors.UsageException(String.valueOf(e.getMessage()));
    }
    MeterRegistry registry = metrics.registry();
    HashingConsumer consumer = HashingConsumer.create(settings, registry, verifyRate);
    metrics.serve(() -> health(consumer.health(), registry, unknownRoots));
    CountDownLatch finished = new CountDownLatch(1);
    ShutdownSignals.onSignal(
        () -> {
          consumer.stop();
          try {
            if (!finished.await(STOP_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
              LoggerFactory.getLogger(ConsumerCommand.class)
                  .warn("the consumer did not finish its round within {} s", STOP_TIMEOUT_SECONDS);
            }
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        });
    try {
      consumer.run();
    } finally {
      try {
        consumer.close();
      } finally {
        finished.countDown();
      }
    }
    return 0;
  }

  /**
   * The instance's own health first (failing while it stops, degraded after a hashing thread was
   * replaced); then degraded once events arrived for a root this instance has no directory for,
   * and were held.
   */
  private static MetricsOptions.Health health(
      ConsumerHealth own, MeterRegistry registry, UnknownRootPolicy policy) {
    switch (own.status()) {
      case FAILING -> {
        return new MetricsOptions.Health(MetricsOptions.Health.Status.FAILING, own.reason());
      }
      case DEGRADED -> {
        return new MetricsOptions.Health(MetricsOptions.Health.Status.DEGRADED, own.reason());
      }
      case READY -> {}
    }
    if (policy == UnknownRootPolicy.DEAD_LETTER) {
      return MetricsOptions.Health.ready();
    }
    var unknownRoot = registry.find("hashstream.consumer.events.unknown.root").counter();
    if (unknownRoot != null && unknownRoot.count() > 0) {
      return new MetricsOptions.Health(
          MetricsOptions.Health.Status.DEGRADED,
          "events arrive for a root this instance has no --root for; their partitions are held");
    }
    return MetricsOptions.Health.ready();
  }

  private String instanceId() {
    return StableIds.orHostName(instanceId, "--instance-id");
  }
}
