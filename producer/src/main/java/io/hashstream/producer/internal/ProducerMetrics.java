package io.hashstream.producer.internal;

import io.hashstream.schemas.avro.ChangeKind;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The producer's meters, all named {@code hashstream.producer.*} (listed in the README). Gauges
 * read atomics that only their owning thread writes.
 */
public final class ProducerMetrics {
  private static final String PREFIX = "hashstream.producer.";

  private final Counter changesDetected;
  private final Map<ChangeKind, Counter> published = new EnumMap<>(ChangeKind.class);
  private final Counter sendFailures;
  private final Counter overflows;
  private final Counter rescansOverflow;
  private final Counter rescansNewDirectory;
  private final Counter reconciliations;
  private final Counter filesScanned;
  private final Counter unpublishableNames;
  private final Counter watchFailures;
  private final Counter racy;
  private final Counter tableDisagreements;
  private final Timer publishLatency;
  private final AtomicLong watchedDirectories = new AtomicLong();
  private final AtomicLong polledDirectories = new AtomicLong();
  private final AtomicLong pendingPaths = new AtomicLong();
  private final AtomicLong inFlight = new AtomicLong();
  private final AtomicLong indexedFiles = new AtomicLong();
  private final AtomicLong publishedTotal = new AtomicLong();
  private final AtomicLong scannedTotal = new AtomicLong();
  private final AtomicLong heldRoots = new AtomicLong();
  private final AtomicLong heldDeletes = new AtomicLong();

  public ProducerMetrics(MeterRegistry registry) {
    changesDetected =
        Counter.builder(PREFIX + "changes.detected")
            .description("Changes seen at a path (events and scan differences), before coalescing")
            .register(registry);
    for (ChangeKind kind : ChangeKind.values()) {
      if (kind != ChangeKind.UNKNOWN) {
        published.put(
            kind,
            Counter.builder(PREFIX + "events.published")
                .description("Events Kafka acknowledged")
                .tag("kind", kind.name())
                .register(registry));
      }
    }
    sendFailures =
        Counter.builder(PREFIX + "events.failed")
            .description("Sends that finally failed; their paths were marked dirty again")
            .register(registry);
    overflows =
        Counter.builder(PREFIX + "overflows")
            .description("OVERFLOW events: the operating system dropped events of a directory")
            .register(registry);
    rescansOverflow = rescans(registry, "overflow");
    rescansNewDirectory = rescans(registry, "new-directory");
    reconciliations = rescans(registry, "reconciliation");
    filesScanned =
        Counter.builder(PREFIX + "files.scanned").description("Files listed by scans").register(registry);
    unpublishableNames =
        Counter.builder(PREFIX + "unpublishable.names")
            .description("Files skipped because their names are not valid UTF-8")
            .register(registry);
    watchFailures =
        Counter.builder(PREFIX + "watch.failures")
            .description("Directories that could not be watched (for example the inotify watch limit)")
            .register(registry);
    racy =
        Counter.builder(PREFIX + "events.racy")
            .description("Events of a file looked at within one timestamp tick of its last change: published once more")
            .register(registry);
    tableDisagreements =
        Counter.builder(PREFIX + "table.disagreements")
            .description("Paths the comparison with the hash table found it had wrong or lacked, published again")
            .register(registry);
    publishLatency =
        Timer.builder(PREFIX + "publish.latency")
            .description("From a change's detection to Kafka's acknowledgement of its event")
            .register(registry);
    gauge(registry, "watched.directories", "Directories registered with the watch service", watchedDirectories);
    gauge(registry, "polled.directories", "Directories listed every poll interval instead of watched: network file systems, --watch poll, or past the watch limit", polledDirectories);
    gauge(registry, "pending.paths", "Distinct paths with a change not yet sent (the coalescing set)", pendingPaths);
    gauge(registry, "inflight.events", "Events sent and not yet acknowledged", inFlight);
    gauge(registry, "roots.held", "Roots held because they are not the tree they were (unmounted, not mounted yet): nothing is published for them", heldRoots);
    gauge(registry, "deletes.held", "Deletes found at once by a scan or a vanished directory, held above the threshold until confirmed", heldDeletes);
    gauge(registry, "index.files", "Files in the in-memory index", indexedFiles);
  }

  private static void gauge(MeterRegistry registry, String name, String description, AtomicLong value) {
    Gauge.builder(PREFIX + name, value, AtomicLong::get).description(description).register(registry);
  }

  private static Counter rescans(MeterRegistry registry, String reason) {
    return Counter.builder(PREFIX + "rescans")
        .description("Directory trees scanned again")
        .tag("reason", reason)
        .register(registry);
  }

  void changeDetected() {
    changesDetected.increment();
  }

  void published(ChangeKind kind, Duration latency) {
    Counter counter = published.get(kind);
    if (counter != null) {
      counter.increment();
    }
    publishedTotal.incrementAndGet();
    publishLatency.record(latency);
  }

  void sendFailed() {
    sendFailures.increment();
  }

  public void overflow() {
    overflows.increment();
  }

  public void rescanAfterOverflow() {
    rescansOverflow.increment();
  }

  public void scanOfNewDirectory() {
    rescansNewDirectory.increment();
  }

  public void reconciliation() {
    reconciliations.increment();
  }

  public void filesScanned(int count) {
    filesScanned.increment(count);
    scannedTotal.addAndGet(count);
  }

  public void unpublishableName() {
    unpublishableNames.increment();
  }

  public void watchFailed() {
    watchFailures.increment();
  }

  public void watchedDirectories(long count) {
    watchedDirectories.set(count);
  }

  public void polledDirectories(long count) {
    polledDirectories.set(count);
  }

  void pendingPaths(long count) {
    pendingPaths.set(count);
  }

  void inFlight(long count) {
    inFlight.set(count);
  }

  void indexedFiles(long count) {
    indexedFiles.set(count);
  }

  public long pendingPaths() {
    return pendingPaths.get();
  }

  public long inFlight() {
    return inFlight.get();
  }

  public long indexedFiles() {
    return indexedFiles.get();
  }

  public long publishedTotal() {
    return publishedTotal.get();
  }

  public long scannedFiles() {
    return scannedTotal.get();
  }

  void racy() {
    racy.increment();
  }

  void tableDisagreements(int count) {
    tableDisagreements.increment(count);
  }

  void heldDeletes(int count) {
    heldDeletes.set(count);
  }

  void heldRoots(int count) {
    heldRoots.set(count);
  }
}
