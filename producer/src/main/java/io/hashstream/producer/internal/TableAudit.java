package io.hashstream.producer.internal;

import io.hashstream.producer.ProducerSettings;
import io.hashstream.producer.internal.store.TablePosition;
import io.hashstream.schemas.avro.HashResult;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.KafkaException;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The background comparison of the index with the whole hash table, ten minutes after the start
 * (or the interval, if shorter) and then every {@link
 * io.hashstream.producer.Timing#tableAuditInterval()}: a saved index lets a restart skip the table,
 * so without it nothing would notice what the table has wrong or lacks (an event that expired from
 * the events topic before a consumer read it, a result that never came, a tombstone compaction
 * removed before a catch-up read it). Its thread, {@code hashstream-audit}, reads the table as the
 * start does (keys first, other producers' values never decoded) and hands this producer's records to
 * the tracker, which owns the index and decides; it never delays watching, and a pass that cannot
 * finish (Kafka away) is tried again at the next interval.
 */
public final class TableAudit implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(TableAudit.class);
  private static final int ROWS_PER_MESSAGE = 5_000;
  /** The tracker's mailbox may hold this many reports before the comparison waits for it. */
  private static final long MAX_QUEUED = 50_000;
  private static final Duration FIRST_AFTER = Duration.ofMinutes(10);

  private final ProducerSettings settings;
  private final Set<String> roots;
  private final Tracker tracker;
  private final Duration interval;
  private final CountDownLatch stop = new CountDownLatch(1);
  private @Nullable Thread thread;

  public TableAudit(ProducerSettings settings, Set<String> roots, Tracker tracker) {
    this.settings = settings;
    this.roots = Set.copyOf(roots);
    this.tracker = tracker;
    this.interval = settings.timing().tableAuditInterval();
  }

  public synchronized void start() {
    if (thread != null) {
      throw new IllegalStateException("already started");
    }
    thread = Thread.ofPlatform().name("hashstream-audit").daemon().start(this::run);
  }

  private void run() {
    try {
      // Soon after a start too: a producer restarted more often than the interval still compares.
      Duration wait = interval.compareTo(FIRST_AFTER) < 0 ? interval : FIRST_AFTER;
      while (!stop.await(wait.toMillis(), TimeUnit.MILLISECONDS)) {
        pass();
        wait = interval;
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** One comparison; true if it read the whole table. */
  boolean pass() {
    long start = System.nanoTime();
    Cluster.HashTopic table;
    try (Cluster cluster = Cluster.connect(settings)) {
      table = cluster.hashTable();
    } catch (RuntimeException e) {
      LOG.warn("comparison with the hash table skipped: {}; tried again in {}", e.getMessage(), interval);
      return false;
    }
    tracker.auditBegin();
    Map<Integer, Long> answered = new HashMap<>();
    List<Tracker.TableRow> rows = new ArrayList<>(ROWS_PER_MESSAGE);
    Map<Integer, Long> next;
    try {
      next =
          HashTable.read(
              settings,
              table.partitions(),
              Map.of(),
              roots,
              answered,
              new HashTable.Visitor() {
                @Override
                public void value(String root, String path, HashResult result) {
                  add(rows, new Tracker.TableRow(root, path, HashTable.entry(result)));
                }

                @Override
                public void tombstone(String root, String path) {
                  add(rows, new Tracker.TableRow(root, path, null));
                }
              },
              "comparing the index with",
              progress -> {},
              () -> 0);
    } catch (RuntimeException e) {
      // ProducerException and KafkaException: the broker or the registry went away meanwhile.
      tracker.auditEnd(null);
      LOG.warn("comparison with the hash table stopped: {}; tried again in {}", e.getMessage(), interval);
      return false;
    }
    if (!rows.isEmpty()) {
      tracker.auditRows(rows);
    }
    if (next == null) {
      tracker.auditEnd(null);
      return false;
    }
    tracker.auditEnd(new TablePosition(table.id(), next, answered));
    LOG.info(
        "comparison with the hash table read it in {} ms; the next in {}",
        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start),
        interval);
    return true;
  }

  private void add(List<Tracker.TableRow> rows, Tracker.TableRow row) {
    rows.add(row);
    if (rows.size() >= ROWS_PER_MESSAGE) {
      tracker.auditRows(rows);
      rows.clear();
      awaitTracker();
    }
  }

  /** The comparison waits for the tracker rather than fill its mailbox: watching comes first. */
  private void awaitTracker() {
    try {
      while (tracker.queuedReports() > MAX_QUEUED && !stop.await(50, TimeUnit.MILLISECONDS)) {
        // The tracker works through its mailbox meanwhile.
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new KafkaException("interrupted", e);
    }
  }

  /** Runs a comparison now, on the calling thread, for tests and operators. */
  public boolean runNow() {
    return pass();
  }

  @Override
  public void close() {
    stop.countDown();
    Thread running;
    synchronized (this) {
      running = thread;
    }
    if (running != null) {
      running.interrupt();
      try {
        running.join(TimeUnit.SECONDS.toMillis(10));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
