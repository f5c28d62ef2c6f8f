package io.hashstream.producer;

import io.hashstream.schemas.security.Refusals;
import io.hashstream.schemas.FileKey;
import io.hashstream.producer.internal.Cluster;
import io.hashstream.producer.internal.Failures;
import io.hashstream.producer.internal.StartingIndex;
import io.hashstream.producer.internal.TableAudit;
import io.hashstream.producer.internal.store.IndexStore;
import io.hashstream.producer.internal.KafkaConfigs;
import io.hashstream.producer.internal.ProducerMetrics;
import io.hashstream.producer.internal.RegistryWait;
import io.hashstream.producer.internal.Publisher;
import io.hashstream.producer.internal.RootGuard;
import io.hashstream.producer.internal.RootSpec;
import io.hashstream.producer.internal.Tracker;
import io.hashstream.producer.internal.source.ChangeSource;
import io.hashstream.schemas.FileNames;
import io.hashstream.schemas.avro.FileChangeEvent;
import io.hashstream.schemas.serde.AvroSerializer;
import io.hashstream.schemas.serde.RegistryUnavailableException;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.serialization.StringSerializer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running producer: watches its roots and publishes every change until {@link #close}.
 *
 * <p>Lifecycle: {@link #start} checks the roots, the broker (within the start timeout), the events
 * topic and the registry, loads the hash table as the starting index, then starts the publisher,
 * the tracker and the change source, whose initial scan runs concurrently with watching. {@link
 * #close} stops watching, then sending (up to 10 s for the acknowledgements of events already
 * sent, which the tracker still takes into the index), then the tracker, which saves the index. A
 * change seen but not acknowledged when the producer stops is found again by the next start's diff.
 */
public final class FileProducer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(FileProducer.class);

  private final ProducerSettings settings;
  private final ProducerMetrics metrics;
  private final Failures failures;
  private final Tracker tracker;
  private final Publisher publisher;
  private final ChangeSource source;
  private final TableAudit audit;
  private final int partitions;
  private final long scanStartNanos;
  private final AtomicLong scanEndNanos = new AtomicLong();
  private volatile boolean closed;

  private final RootGuard guard;
  private final IndexStart indexStart;

  private FileProducer(
      ProducerSettings settings,
      ProducerMetrics metrics,
      Failures failures,
      Tracker tracker,
      Publisher publisher,
      ChangeSource source,
      TableAudit audit,
      RootGuard guard,
      int partitions,
      IndexStart indexStart) {
    this.guard = guard;
    this.indexStart = indexStart;
    this.settings = settings;
    this.metrics = metrics;
    this.failures = failures;
    this.tracker = tracker;
    this.publisher = publisher;
    this.source = source;
    this.audit = audit;
    this.partitions = partitions;
    this.scanStartNanos = System.nanoTime();
  }

  /** Starts a producer that logs its progress. */
  public static FileProducer start(ProducerSettings settings, MeterRegistry registry) {
    return start(settings, registry, ProgressListener.log());
  }

  /**
   * Starts a producer.
   *
   * @throws ProducerException with a one-line message: a root that is not a directory ({@link
   *     ProducerException#isConfiguration()}), the broker or the registry unreachable, a schema the
   *     registry refuses
   */
  public static FileProducer start(
      ProducerSettings settings, MeterRegistry registry, ProgressListener listener) {
    requireRoots(settings.roots());
    try {
      FileNames.requireUtf8NativeEncoding();
    } catch (IllegalStateException e) {
      throw ProducerException.configuration(String.valueOf(e.getMessage()));
    }
    Optional<String> noInotify = ChangeSource.inotifyUnavailable();
    if (settings.watching().mode() == Watching.Mode.INOTIFY && noInotify.isPresent()) {
      throw ProducerException.configuration("--watch inotify: " + noInotify.get());
    }
    List<RootSpec> roots = settings.roots().stream().map(RootSpec::of).toList();
    IndexStore store = openStore(settings.stateDirectory());
    try {
      return start(settings, registry, listener, roots, store);
    } catch (RuntimeException | Error e) {
      if (store != null) {
        store.release();
      }
      throw e;
    }
  }

  private static @Nullable IndexStore openStore(@Nullable Path stateDirectory) {
    if (stateDirectory == null) {
      return null;
    }
    try {
      return IndexStore.open(stateDirectory);
    } catch (IndexStore.InUseException e) {
      throw ProducerException.configuration(String.valueOf(e.getMessage()));
    } catch (IOException e) {
      throw ProducerException.configuration("cannot use the state directory " + stateDirectory + ": " + e.getMessage());
    }
  }

  private static FileProducer start(
      ProducerSettings settings,
      MeterRegistry registry,
      ProgressListener listener,
      List<RootSpec> roots,
      @Nullable IndexStore store) {
    int partitions;
    StartingIndex.Started index;
    try (Cluster cluster = Cluster.connect(settings)) {
      partitions = cluster.ensureEventsTopic();
      index =
          StartingIndex.build(
              settings, cluster, partitions, roots.stream().map(RootSpec::name).collect(Collectors.toSet()), store, listener);
    }
    AvroSerializer<FileChangeEvent> serializer = serializer(settings);
    KafkaProducer<String, FileChangeEvent> kafka;
    try {
      kafka = new KafkaProducer<>(KafkaConfigs.producer(settings), new StringSerializer(), serializer);
    } catch (KafkaException e) {
      serializer.close();
      throw new ProducerException("cannot create the Kafka producer: " + e.getMessage(), e);
    }
    ProducerMetrics metrics = new ProducerMetrics(registry);
    RootGuard guard;
    try {
      guard = RootGuard.open(settings.stateDirectory(), metrics);
    } catch (IOException e) {
      kafka.close();
      throw ProducerException.configuration(
          "cannot use the state directory " + settings.stateDirectory() + ": " + e.getMessage());
    }
    Failures failures = new Failures();
    Tracker tracker =
        new Tracker(
            roots,
            index.indexes(),
            index.journal(),
            settings.timing(),
            settings.maxInFlight(),
            guard,
            settings.deleteThreshold(),
            metrics,
            failures);
    // The epoch: milliseconds since the Unix epoch at start (see the README).
    long epoch = System.currentTimeMillis();
    Publisher publisher =
        new Publisher(
            kafka,
            settings.eventsTopic(),
            settings.producerId(),
            epoch,
            tracker,
            failures,
            Refusals.principalOf(settings.kafka().clientProperties()));
    ChangeSource source =
        ChangeSource.choose(
            settings.watching(),
            roots,
            tracker,
            new ChangeSource.Reconciliation(
                settings.timing().reconcileInterval(), settings.timing().reconcileAfterBurst()),
            guard,
            metrics,
            failures);
    FileProducer producer =
        new FileProducer(
            settings,
            metrics,
            failures,
            tracker,
            publisher,
            source,
            new TableAudit(settings, roots.stream().map(RootSpec::name).collect(Collectors.toSet()), tracker),
            guard,
            partitions,
            index.report());
    publisher.start();
    tracker.start(publisher, producer.reporter(listener));
    try {
      source.start();
    } catch (RuntimeException e) {
      producer.close();
      throw new ProducerException("cannot start watching: " + e.getMessage(), e);
    }
    producer.audit.start();
    LOG.info(
        "producer '{}' watching {} root(s) ({}), publishing to {} ({} partitions, epoch {})",
        settings.producerId(),
        roots.size(),
        roots.stream().map(r -> r.name() + "=" + r.directory()).collect(Collectors.joining(", ")),
        settings.eventsTopic(),
        partitions,
        epoch);
    return producer;
  }

  private static void requireRoots(List<WatchedRoot> roots) {
    for (WatchedRoot root : roots) {
      Path directory = root.directory();
      if (!Files.exists(directory)) {
        throw ProducerException.configuration(
            "root '" + root.name() + "': directory " + directory + " does not exist");
      }
      if (!Files.isDirectory(directory)) {
        throw ProducerException.configuration(
            "root '" + root.name() + "': " + directory + " is not a directory");
      }
      if (!Files.isReadable(directory)) {
        throw ProducerException.configuration(
            "root '" + root.name() + "': directory " + directory + " cannot be read");
      }
      if (Files.isSymbolicLink(directory) && !Files.isDirectory(directory, LinkOption.NOFOLLOW_LINKS)) {
        LOG.info("root '{}': {} is a link to a directory; the directory is watched", root.name(), directory);
      }
    }
  }

  private static AvroSerializer<FileChangeEvent> serializer(ProducerSettings settings) {
    AvroSerializer<FileChangeEvent> serializer;
    try {
      serializer = new AvroSerializer<>(KafkaConfigs.serde(settings.kafka()), false);
    } catch (KafkaException e) {
      throw ProducerException.configuration("invalid schema registry settings: " + e.getMessage());
    }
    RegistryWait registry = new RegistryWait(settings.kafka().schemaRegistryUrl());
    try {
      while (true) {
        try {
          serializer.prepare(settings.eventsTopic(), FileChangeEvent.getClassSchema());
          registry.answered();
          return serializer;
        } catch (RegistryUnavailableException e) {
          registry.unanswered(
              "registering the event schema: " + e.getMessage() + "; is it running? ('hashstream local' starts one;"
                  + " --schema-registry chooses another)");
        }
      }
    } catch (ProducerException e) {
      serializer.close();
      throw e;
    } catch (RuntimeException e) {
      serializer.close();
      throw new ProducerException(
          "the schema registry at "
              + settings.kafka().schemaRegistryUrl()
              + " refused the event schema: "
              + e.getMessage(),
          e);
    }
  }

  private Runnable reporter(ProgressListener listener) {
    boolean[] done = {false};
    return () -> {
      if (done[0]) {
        return;
      }
      Progress progress = progress();
      if (progress.phase() != Progress.Phase.SCANNING) {
        done[0] = true;
      }
      listener.onProgress(progress);
    };
  }

  /** What the producer is doing now. */
  public Progress progress() {
    Progress.Phase phase;
    long now = System.nanoTime();
    if (closed) {
      phase = Progress.Phase.STOPPED;
    } else if (source.initialScanDone()) {
      phase = Progress.Phase.WATCHING;
      scanEndNanos.compareAndSet(0, now);
    } else {
      phase = Progress.Phase.SCANNING;
    }
    long end = scanEndNanos.get();
    Duration elapsed = Duration.ofNanos((end == 0 ? now : end) - scanStartNanos);
    return new Progress(
        phase,
        metrics.scannedFiles(),
        elapsed,
        metrics.pendingPaths() + tracker.queuedReports(),
        metrics.inFlight(),
        metrics.publishedTotal(),
        metrics.indexedFiles());
  }

  /** Where the starting index came from, and what it cost. */
  public IndexStart indexStart() {
    return indexStart;
  }

  /** The events topic's partition count (an existing topic's own). */
  public int eventsTopicPartitions() {
    return partitions;
  }

  /**
   * The roots held now, each with why: not the tree they were (unmounted, not mounted yet, another
   * volume) or missing. Nothing is published for them until they are back. Empty when none is.
   */
  public Map<String, String> heldRoots() {
    return guard.heldRoots();
  }

  /**
   * Per root, the deletes held now: found at once by a scan or a vanished directory, at least the
   * threshold and more than half of the root's files. Empty when none is.
   */
  public Map<String, Integer> heldDeletes() {
    return tracker.heldDeletes();
  }

  /**
   * Publishes the deletes held for {@code root} (each file checked again first): the operator says
   * they are real (an {@code rm -rf} of most of the tree). Nothing else ever publishes them.
   */
  public void confirmDeletes(String root) {
    tracker.confirmDeletes(root);
  }

  /**
   * Publishes {@code paths} (relative to {@code root}, with {@code /}) again as they are now,
   * whatever was published for them: a file as it is, a file that is gone as deleted. For the
   * paths {@code hashstream verify} found the table behind on.
   *
   * @throws IllegalArgumentException if the root is not this producer's or a path is not a relative
   *     path of a root ({@code ..}, absolute, empty)
   */
  public void republish(String root, List<String> paths) {
    if (settings.roots().stream().noneMatch(watched -> watched.name().equals(root))) {
      throw new IllegalArgumentException("this producer has no root '" + root + "'");
    }
    for (String path : paths) {
      var _ = new FileKey(root, path);
    }
    tracker.republish(root, paths);
  }

  public ProducerSettings settings() {
    return settings;
  }

  /**
   * Compares the index with the whole hash table now, as the periodic comparison does, and
   * publishes again what the table has wrong or lacks; blocks until the table is read.
   *
   * @return false if the table could not be read (Kafka away)
   */
  public boolean compareWithTable() {
    return audit.runNow();
  }

  /** Scans every root again now, as the periodic reconciliation does. */
  public void reconcile() {
    source.reconcile();
  }

  /**
   * Blocks until the producer is closed, or one of its threads failed.
   *
   * @throws ProducerException if a thread failed (the producer is closed then)
   */
  public void awaitTermination() throws InterruptedException {
    failures.await();
    Throwable failure = failures.failure();
    if (failure != null) {
      close();
      throw new ProducerException("the producer stopped: " + failure, failure);
    }
  }

  /** Like {@link #awaitTermination()}, for at most {@code timeout}; true if it terminated. */
  public boolean awaitTermination(Duration timeout) throws InterruptedException {
    return failures.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** The failure that stopped a thread, if one did. */
  public @Nullable Throwable failure() {
    return failures.failure();
  }

  /** Stops watching, then sending, then waits up to 10 s for acknowledgements; idempotent. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    LOG.info("stopping the producer");
    RuntimeException failure = null;
    // The tracker last: it takes the acknowledgements the publisher waits for into the index.
    for (Runnable step : List.<Runnable>of(audit::close, source::close, publisher::close, tracker::close)) {
      try {
        step.run();
      } catch (RuntimeException e) {
        if (failure == null) {
          failure = e;
        } else {
          failure.addSuppressed(e);
        }
      }
    }
    failures.closed();
    if (failure != null) {
      throw failure;
    }
  }
}
