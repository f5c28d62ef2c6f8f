package io.hashstream.cli;

import io.hashstream.consumer.ConsumerHealth;
import io.hashstream.consumer.ConsumerSettings;
import io.hashstream.consumer.HashAlgorithm;
import io.hashstream.consumer.HashingConsumer;
import io.hashstream.producer.FileProducer;
import io.hashstream.producer.KafkaSettings;
import io.hashstream.producer.ProducerException;
import io.hashstream.producer.ProducerSettings;
import io.hashstream.producer.ProgressListener;
import io.hashstream.producer.WatchedRoot;
import io.hashstream.runtime.LocalRuntime;
import io.hashstream.runtime.Principal;
import io.hashstream.schemas.Topics;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code hashstream up}: the whole pipeline on this machine — the local runtime, a producer on the
 * given roots, and N consumers — printing every committed result as a JSON line.
 *
 * <p>Threads: the main thread starts everything and then waits; each consumer runs on a thread of
 * its own (its poll thread); the printer thread owns the hash-topic reader and stdout. The shutdown
 * hook stops them in order: producer, consumers, printer, runtime.
 */
@Command(
    name = "up",
    mixinStandardHelpOptions = true,
    description = {
      "Starts the local runtime, a producer watching the roots and consumers hashing their files,"
          + " and prints every committed result as one JSON object per line on stdout (logs go to"
          + " stderr). Ctrl-C stops everything in order."
    })
final class UpCommand implements Callable<Integer>, UsesDataDirectory {
  private static final Logger LOG = LoggerFactory.getLogger(UpCommand.class);
  private static final Duration STOP_WAIT = Duration.ofSeconds(8);
  private static final String GROUP = "hashstream-up";

  @Mixin private RuntimeOptions runtimeOptions = new RuntimeOptions();
  @Mixin private MetricsOptions metrics = new MetricsOptions();
  @Mixin private AlgorithmOptions algorithmOptions = new AlgorithmOptions();

  @Option(
      names = "--root",
      paramLabel = "NAME=DIR",
      required = true,
      description = "A directory tree to watch and hash, with its root name (repeatable).")
  private List<String> roots = new ArrayList<>();

  @Option(
      names = "--consumers",
      paramLabel = "N",
      defaultValue = "1",
      description = "How many consumer instances hash in parallel (default: ${DEFAULT-VALUE}).")
  private int consumers = 1;

  @Option(
      names = "--verify-rate",
      paramLabel = "BYTES",
      defaultValue = "0",
      converter = ByteCountConverter.class,
      description =
          "Each consumer verifies the files of its partitions continuously at this many bytes per"
              + " second, such as 2M (default: 0, off); see 'consumer --help'.")
  private long verifyRate;

  @Spec private @Nullable CommandSpec spec;

  @Override
  public Path dataDirectory() {
    return runtimeOptions.dataDirectory();
  }

  @Override
  public Integer call() throws InterruptedException {
    Map<String, Path> directories = RootArguments.parse(roots);
    if (consumers < 1 || consumers > 64) {
      throw new UserErrors.UsageException("--consumers must be between 1 and 64, not " + consumers);
    }
    List<HashAlgorithm> algorithms = algorithmOptions.algorithms();
    PrintWriter out = out();
    LocalRuntime runtime = runtimeOptions.start();
    if (runtime.settings().secure()) {
      try {
        SecuredRuntime.grant(runtime, GROUP);
      } catch (RuntimeException e) {
        runtime.close();
        throw e;
      }
      // On stderr: stdout is the results' JSON lines.
      for (Principal principal : Principal.values()) {
        LOG.info("client configuration of {}: {}", principal.kafkaPrincipal(), runtime.clientPropertiesFile(principal));
      }
    }
    Pipeline pipeline = new Pipeline(runtime, metrics.registry());
    metrics.serve(pipeline::health, pipeline);
    ShutdownSignals.onSignal(pipeline::stop);
    // Nothing of the pipeline works without its broker and registry: say so once, and stop.
    runtime.onServiceLost(line -> pipeline.fail(new UserErrors.FailedException(line)));
    LOG.info(
        "local runtime ready in {} s (bootstrap.servers={}, schema.registry.url={})",
        String.format(Locale.ROOT, "%.1f", runtime.startupTime().toMillis() / 1000.0),
        runtime.bootstrapServers(),
        runtime.schemaRegistryUrl());
    try {
      pipeline.startPrinter(out);
      pipeline.startProducer(directories);
      for (int i = 1; i <= consumers; i++) {
        pipeline.startConsumer("up-" + i, directories, algorithms, verifyRate);
      }
    } catch (RuntimeException e) {
      // A part that cannot start stops what did: the runtime's children are not left to the
      // watchdog.
      pipeline.stop();
      throw e;
    }
    LOG.info("watching {}; Ctrl-C stops", directories);
    pipeline.awaitFailure();
    return 0;
  }

  private PrintWriter out() {
    CommandSpec current = spec;
    if (current == null) {
      throw new IllegalStateException("picocli injects the spec before call()");
    }
    return current.commandLine().getOut();
  }

  /** What {@code up} started, in start order; stopped in reverse. */
  private static final class Pipeline implements MetricsOptions.RootActions {
    private final LocalRuntime runtime;
    private final MeterRegistry registry;
    private final List<HashingConsumer> consumers = new ArrayList<>();
    private final List<Thread> consumerThreads = new ArrayList<>();
    private final CountDownLatch failed = new CountDownLatch(1);
    private final AtomicReference<@Nullable RuntimeException> failure = new AtomicReference<>();
    private @Nullable FileProducer producer;
    private @Nullable HashTopicReader reader;
    private @Nullable Thread printer;
    private volatile boolean stopping;

    Pipeline(LocalRuntime runtime, MeterRegistry registry) {
      this.runtime = runtime;
      this.registry = registry;
    }

    /** In a secured runtime, each part of the pipeline is its own user, with its own ACLs. */
    private Map<String, String> clientProperties(Principal principal) {
      return runtime.settings().secure() ? runtime.clientProperties(principal) : Map.of();
    }

    synchronized void startPrinter(PrintWriter out) {
      HashTopicReader topicReader =
          new HashTopicReader(
              runtime.bootstrapServers(), runtime.schemaRegistryUrl(), clientProperties(Principal.READER), Topics.HASHES);
      reader = topicReader;
      // Results of earlier runs on this data directory are not printed again: start at the end of
      // an existing table; a table created by this run is printed from its beginning.
      boolean existed = topicReader.exists();
      printer =
          Thread.ofPlatform()
              .name("hashstream-printer")
              .start(
                  () -> {
                    if (topicReader.assign(!existed, () -> stopping)) {
                      topicReader.follow(
                          (key, value) -> {
                            out.println(HashResultJson.line(key, value));
                            out.flush();
                          },
                          () -> stopping);
                    }
                  });
    }

    synchronized void startProducer(Map<String, Path> directories) {
      List<WatchedRoot> watched =
          directories.entrySet().stream().map(e -> WatchedRoot.of(e.getKey(), e.getValue())).toList();
      ProducerSettings settings =
          ProducerSettings.of(
                  "up",
                  watched,
                  KafkaSettings.of(runtime.bootstrapServers(), runtime.schemaRegistryUrl())
                      .withClientProperties(clientProperties(Principal.PRODUCER)))
              .withStateDirectory(ProducerCommand.stateDirectory(runtime.settings().dataDirectory(), "up"));
      try {
        producer = FileProducer.start(settings, registry, ProgressListener.log());
      } catch (ProducerException e) {
        if (e.isConfiguration()) {
          throw new UserErrors.UsageException(String.valueOf(e.getMessage()));
        }
        throw e;
      }
    }

    synchronized void startConsumer(
        String instanceId, Map<String, Path> directories, List<HashAlgorithm> algorithms, long verifyRate) {
      ConsumerSettings settings =
          ConsumerSettings.of(runtime.bootstrapServers(), runtime.schemaRegistryUrl(), instanceId, directories)
              .withGroup(GROUP)
              .withClientProperties(clientProperties(Principal.CONSUMER))
              .withAlgorithms(algorithms);
      HashingConsumer consumer = HashingConsumer.create(settings, registry, verifyRate);
      consumers.add(consumer);
      consumerThreads.add(
          Thread.ofPlatform()
              .name("hashstream-consumer-" + instanceId)
              .start(
                  () -> {
                    try {
                      consumer.run();
                    } catch (InterruptedException e) {
                      Thread.currentThread().interrupt();
                    } catch (RuntimeException e) {
                      if (!stopping) {
                        LOG.error("consumer {} stopped: {}", instanceId, e.getMessage());
                        fail(e);
                      }
                    }
                  }));
    }

    /** The operator confirms the held deletes of {@code root}. */
    @Override
    public synchronized void confirmDeletes(String root) {
      FileProducer started = producer;
      if (started != null) {
        started.confirmDeletes(root);
      }
    }

    /** The operator asks for paths to be published again; refused until the producer runs. */
    @Override
    public synchronized void republish(String root, List<String> paths) {
      FileProducer started = producer;
      if (started == null) {
        throw new IllegalArgumentException("the producer has not started yet");
      }
      started.republish(root, paths);
    }

    /** The least healthy answer of the consumers and the producer: failing over degraded over ready. */
    synchronized MetricsOptions.Health health() {
      FileProducer started = producer;
      MetricsOptions.Health ofProducer =
          started == null
              ? MetricsOptions.Health.ready()
              : MetricsOptions.Health.ofProducer(started.heldRoots(), started.heldDeletes());
      ConsumerHealth worst =
          ofProducer.status() == MetricsOptions.Health.Status.READY
              ? ConsumerHealth.ready()
              : new ConsumerHealth(ConsumerHealth.Status.DEGRADED, ofProducer.reason());
      for (HashingConsumer consumer : consumers) {
        ConsumerHealth health = consumer.health();
        if (health.status().compareTo(worst.status()) > 0) {
          worst = health;
        }
      }
      return switch (worst.status()) {
        case READY -> MetricsOptions.Health.ready();
        case DEGRADED -> new MetricsOptions.Health(MetricsOptions.Health.Status.DEGRADED, worst.reason());
        case FAILING -> new MetricsOptions.Health(MetricsOptions.Health.Status.FAILING, worst.reason());
      };
    }

    /** A part failed: {@link #awaitFailure} stops everything and rethrows it. */
    void fail(RuntimeException e) {
      failure.compareAndSet(null, e);
      failed.countDown();
    }

    /** Returns when a part failed (its failure is rethrown); a signal ends the JVM meanwhile. */
    void awaitFailure() throws InterruptedException {
      failed.await();
      RuntimeException cause = failure.get();
      stop();
      if (cause != null) {
        throw cause;
      }
    }

    /** Stops the producer, the consumers, the printer, then the runtime; each step bounded. */
    synchronized void stop() {
      if (stopping) {
        return;
      }
      stopping = true;
      FileProducer started = producer;
      if (started != null) {
        started.close();
      }
      consumers.forEach(HashingConsumer::stop);
      joinAll(consumerThreads);
      consumers.forEach(HashingConsumer::close);
      HashTopicReader topicReader = reader;
      Thread printing = printer;
      if (topicReader != null && printing != null) {
        topicReader.wakeup();
        joinAll(List.of(printing));
        topicReader.close();
      }
      runtime.close();
    }

    private static void joinAll(List<Thread> threads) {
      for (Thread thread : threads) {
        try {
          if (!thread.join(STOP_WAIT)) {
            LOG.warn("{} did not stop within {}", thread.getName(), STOP_WAIT);
          }
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
      }
    }
  }
}
