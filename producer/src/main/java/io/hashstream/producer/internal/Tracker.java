package io.hashstream.producer.internal;

import io.hashstream.nativeio.PathStat;
import io.hashstream.producer.Timing;
import io.hashstream.producer.internal.source.ChangeSink;
import io.hashstream.producer.internal.store.IndexJournal;
import io.hashstream.producer.internal.store.TablePosition;
import io.hashstream.schemas.avro.ChangeKind;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.common.errors.RetriableException;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides what to publish. Its thread, {@code hashstream-tracker}, owns the per-root {@link Index}
 * (what the events topic last said about each file, as Kafka acknowledged it), the coalescing set
 * of pending changes (path → newest observed state) and the in-flight window. Everything reaches it
 * through its mailbox: reports from the change source, acknowledgements and failures from the
 * publisher's callbacks.
 *
 * <p>A path becomes pending when what is seen there differs from what was published. It is sent
 * once it is quiet: two equal {@code lstat}s a settle window apart (a file whose modification time
 * is already older than the window needs no wait), or after the maximum delay whatever it does.
 * Its index entry changes only when Kafka acknowledges the event; a send that finally fails leaves
 * the entry uncertain and the path pending again, so its current state is published.
 */
public final class Tracker implements ChangeSink {
  private static final Logger LOG = LoggerFactory.getLogger(Tracker.class);
  private static final long TICK_NANOS = TimeUnit.MILLISECONDS.toNanos(50);
  private static final int MAX_MESSAGES_PER_TURN = 20_000;
  private static final long REPORT_NANOS = TimeUnit.SECONDS.toNanos(1);
  private static final long STALL_NANOS = TimeUnit.SECONDS.toNanos(10);
  private static final long MIN_BACKOFF_NANOS = TimeUnit.SECONDS.toNanos(1);
  private static final long MAX_BACKOFF_NANOS = TimeUnit.SECONDS.toNanos(10);
  private static final long FAILURE_LOG_NANOS = TimeUnit.SECONDS.toNanos(30);
  /**
   * Changes the tracker holds before a scan waits: some tens of megabytes of pending paths, whatever
   * the size of the tree (an unbounded scan of ten million files queued gigabytes).
   */
  static final int MAX_PENDING = 50_000;

  private final Map<String, RootSpec> roots = new HashMap<>();
  private final Map<String, Index> indexes;
  private final IndexJournal journal;
  private final long settleNanos;
  private final long maxDelayNanos;
  private final int maxInFlight;
  private final ProducerMetrics metrics;
  private final Failures failures;
  private final RootGuard guard;
  private final int deleteThreshold;
  /** A snapshot of {@link #heldDeletes}' sizes, for other threads; the tracker thread writes it. */
  private volatile Map<String, Integer> heldDeleteCounts = Map.of();
  private final LinkedBlockingQueue<Message> inbox = new LinkedBlockingQueue<>();
  private final Set<PathRef> hinted = ConcurrentHashMap.newKeySet();
  /**
   * The tracker thread's {@code lstat}: one {@code statx} into its own buffers where the native
   * calls run (the JDK's builds a map per call); closed by {@link #close} once the thread stopped.
   */
  private final @Nullable PathStat pathStat = PathStat.open().orElse(null);
  /** Files of listings in the mailbox, for {@link #saturated}. */
  private final AtomicLong listedQueued = new AtomicLong();
  /** The pending set's size at the end of the last turn, for {@link #saturated}. */
  private volatile int pendingCount;
  private volatile @Nullable Outbox outbox;
  private volatile Runnable onSecond = () -> {};
  private volatile boolean stopping;
  private @Nullable Thread thread;

  // Owned by the tracker thread.
  /** Paths published once more because their last look was racy ({@link Racy}): not again. */
  private final Set<PathRef> racyLooks = new HashSet<>();
  /** Per root: deletes a scan or a vanished directory would publish, held above the threshold. */
  private final Map<String, Set<PathRef>> heldDeletes = new HashMap<>();
  private final Map<PathRef, Pending> pending = new HashMap<>();
  private final PriorityQueue<Pending> timers =
      new PriorityQueue<>(Comparator.comparingLong(p -> p.checkAt));
  private final ArrayDeque<Pending> ready = new ArrayDeque<>();
  private final Map<Long, InFlight> inFlight = new HashMap<>();
  private final Map<PathRef, InFlight> latestSent = new HashMap<>();
  /** Directory → events in flight for existing files below it: such files are not indexed yet. */
  private final Map<PathRef, Integer> inFlightUnder = new HashMap<>();
  private long nextId;
  /** Per partition of the events topic, the highest offset of an event of this producer acknowledged. */
  private final Map<Integer, Long> acked = new HashMap<>();
  private @Nullable Audit audit;
  /** Per partition, the answered offset of the last comparison that found the consumers behind. */
  private Map<Integer, Long> behindAtLastAudit = Map.of();
  private long backoffNanos;
  private long pausedUntilNanos;
  private long waitingSinceNanos;
  private boolean stallReported;
  private long failuresSinceAck;
  private long lastFailureLogNanos;

  /**
   * @param indexes each root's starting index; the tracker owns them from now
   * @param journal where each change of the indexes is recorded; the tracker owns it from now, and
   *     closes it
   */
  public Tracker(
      List<RootSpec> roots,
      Map<String, Index> indexes,
      IndexJournal journal,
      Timing timing,
      int maxInFlight,
      RootGuard guard,
      int deleteThreshold,
      ProducerMetrics metrics,
      Failures failures) {
    this.guard = guard;
    this.deleteThreshold = deleteThreshold;
    for (RootSpec root : roots) {
      this.roots.put(root.name(), root);
    }
    this.indexes = new HashMap<>(indexes);
    this.journal = journal;
    for (RootSpec root : roots) {
      this.indexes.computeIfAbsent(root.name(), name -> new Index());
    }
    this.settleNanos = timing.settle().toNanos();
    this.maxDelayNanos = timing.maxDelay().toNanos();
    this.maxInFlight = maxInFlight;
    this.metrics = metrics;
    this.failures = failures;
    // System.nanoTime() has an arbitrary origin, possibly negative: times start from now.
    long now = System.nanoTime();
    this.pausedUntilNanos = now;
    this.waitingSinceNanos = now;
    this.lastFailureLogNanos = now;
    metrics.indexedFiles(indexedFiles());
  }

  /** Starts the thread; events go to {@code outbox}; {@code onSecond} runs on it every second. */
  public synchronized void start(Outbox target, Runnable everySecond) {
    if (thread != null) {
      throw new IllegalStateException("already started");
    }
    this.outbox = target;
    this.onSecond = everySecond;
    thread = Thread.ofPlatform().name("hashstream-tracker").daemon().start(this::run);
  }

  /**
   * Stops the thread and saves the index; pending changes are left for the next start's diff to
   * find.
   */
  public void close() {
    stopping = true;
    Thread running;
    synchronized (this) {
      running = thread;
    }
    if (running != null) {
      try {
        running.join(TimeUnit.SECONDS.toMillis(10));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      if (running.isAlive()) {
        // Still using the index: saving it now could save a torn one. The log holds what it flushed.
        LOG.warn("the tracker did not stop within 10 s; the index is not saved again (the next start replays its log)");
        journal.close(Map.of());
        return;
      }
    }
    if (pathStat != null) {
      pathStat.close();
    }
    journal.close(indexes);
    // Saved: their memory off the heap goes back now rather than once the collector finds them.
    indexes.values().forEach(Index::close);
  }

  // ---- the mailbox: called from other threads ---------------------------------------------------

  @Override
  public void pathChanged(String root, String path) {
    PathRef ref = new PathRef(root, path);
    // Coalesced: a path hinted again before the tracker looked at it is one message.
    if (hinted.add(ref)) {
      inbox.add(new Message.Changed(ref));
    }
  }

  @Override
  public void directoryListed(
      String root, String directory, List<Listed> files, List<String> subdirectories) {
    listedQueued.addAndGet(files.size());
    inbox.add(new Message.DirectoryListed(root, directory, List.copyOf(files), List.copyOf(subdirectories)));
  }

  /**
   * True while the files listed and not looked at yet and the changes pending are {@value
   * #MAX_PENDING} or more: a scan waits then.
   */
  @Override
  public boolean saturated() {
    return listedQueued.get() + pendingCount >= MAX_PENDING;
  }

  /** Reports and acknowledgements waiting in the mailbox. */
  public long queuedReports() {
    return inbox.size();
  }

  /** Kafka acknowledged event {@code id}, at {@code offset} of {@code partition}. Called on the producer's I/O thread. */
  public void acknowledged(long id, int partition, long offset) {
    inbox.add(new Message.Acknowledged(id, partition, offset));
  }

  /**
   * Event {@code id} finally failed (or could not be sent at all): its path is published again.
   *
   * @param description the failure for the log, a refusal in the words of {@code Refusals}
   */
  public void failed(long id, Exception failure, String description) {
    inbox.add(new Message.Failed(id, failure, description));
  }

  private sealed interface Message {
    record Changed(PathRef ref) implements Message {}

    record DirectoryListed(
        String root, String directory, List<Listed> files, List<String> subdirectories)
        implements Message {}

    record Acknowledged(long id, int partition, long offset) implements Message {}

    record Failed(long id, Exception failure, String description) implements Message {}

    record ConfirmDeletes(String root) implements Message {}

    record Republish(String root, List<String> paths) implements Message {}

    record AuditBegin() implements Message {}

    record AuditRows(List<TableRow> rows) implements Message {}

    record AuditEnd(@Nullable TablePosition position) implements Message {}
  }

  /**
   * What the hash table's last record of a path of this producer says, as read by the comparison.
   *
   * @param recorded the entry it records; null for a tombstone
   */
  public record TableRow(String root, String path, @Nullable IndexEntry recorded) {}

  /**
   * A comparison of the index with the whole hash table begins: the rows follow in the table's
   * order, then {@link #auditEnd}. Safe from any thread.
   */
  public void auditBegin() {
    inbox.add(new Message.AuditBegin());
  }

  /** Rows of the comparison, in the order read. Safe from any thread. */
  public void auditRows(List<TableRow> rows) {
    inbox.add(new Message.AuditRows(List.copyOf(rows)));
  }

  /**
   * The comparison read the table up to {@code position}; null if it could not finish (nothing is
   * concluded then). Safe from any thread.
   */
  public void auditEnd(@Nullable TablePosition position) {
    inbox.add(new Message.AuditEnd(position));
  }

  /**
   * Publishes {@code paths} of {@code root} again as they are now, whatever was published for them:
   * what {@code hashstream verify} found the table behind on. Paths the filter excludes are left
   * out. Safe from any thread.
   */
  public void republish(String root, List<String> paths) {
    inbox.add(new Message.Republish(root, List.copyOf(paths)));
  }

  /**
   * The operator confirms the deletes held for {@code root}: they are published (each checked
   * again first). Safe from any thread.
   */
  public void confirmDeletes(String root) {
    inbox.add(new Message.ConfirmDeletes(root));
  }

  /** Per root with held deletes: how many, for {@code /health}. Safe from any thread. */
  public Map<String, Integer> heldDeletes() {
    return heldDeleteCounts;
  }

  // ---- the thread -------------------------------------------------------------------------------

  private void run() {
    try {
      long nextReport = System.nanoTime();
      while (!stopping) {
        Message message = inbox.poll(untilNextTimer(System.nanoTime()), TimeUnit.NANOSECONDS);
        long now = System.nanoTime();
        for (int handled = 0; message != null; handled++) {
          handle(message, now);
          message = handled < MAX_MESSAGES_PER_TURN ? inbox.poll() : null;
        }
        now = System.nanoTime();
        fireTimers(now);
        drainReady(now);
        checkStall(now);
        journal.endOfTurn(indexes);
        metrics.pendingPaths(pending.size());
        pendingCount = pending.size();
        metrics.inFlight(inFlight.size());
        if (now - nextReport >= 0) {
          nextReport = now + REPORT_NANOS;
          onSecond.run();
        }
      }
    } catch (InterruptedException e) {
      if (!stopping) {
        failures.fail("tracker", e);
      }
    } catch (RuntimeException | Error e) {
      failures.fail("tracker", e);
    }
  }

  /**
   * How long the mailbox may be waited on: until the next timer is due, or a tick (the journal and
   * the gauges are written at least that often). A path whose settle window ends is looked at then,
   * not at the next tick.
   */
  private long untilNextTimer(long now) {
    long wait = TICK_NANOS;
    Pending next = timers.peek();
    if (next != null) {
      wait = Math.min(wait, next.checkAt - now);
    }
    if (!ready.isEmpty() && pausedUntilNanos - now > 0) {
      wait = Math.min(wait, pausedUntilNanos - now);
    }
    return Math.max(0, wait);
  }

  private void handle(Message message, long now) {
    switch (message) {
      case Message.Changed changed -> {
        if (!guard.held(changed.ref().root())) {
          changed(changed.ref(), now);
        }
      }
      case Message.DirectoryListed listed -> {
        listedQueued.addAndGet(-listed.files().size());
        if (!guard.held(listed.root())) {
          listed(listed, now);
        }
      }
      case Message.Acknowledged ack -> {
        acked.merge(ack.partition(), ack.offset(), Math::max);
        acknowledged(ack.id(), now);
      }
      case Message.AuditBegin begin -> audit = new Audit(indexes, acked);
      case Message.AuditRows rows -> {
        Audit current = audit;
        if (current != null) {
          rows.rows().forEach(current::row);
        }
      }
      case Message.AuditEnd end -> {
        Audit current = audit;
        audit = null;
        TablePosition position = end.position();
        if (current != null && position != null) {
          auditEnded(current, position, now);
        }
      }
      case Message.Failed failure -> failed(failure.id(), failure.failure(), failure.description(), now);
      case Message.ConfirmDeletes confirm -> confirmDeletes(confirm.root(), now);
      case Message.Republish republish -> {
        if (guard.held(republish.root())) {
          LOG.warn("root '{}' is held: the {} paths asked for are not published again", republish.root(), republish.paths().size());
        } else {
          republish(republish, now);
        }
      }
    }
  }

  private void changed(PathRef ref, long now) {
    hinted.remove(ref);
    RootSpec root = roots.get(ref.root());
    if (root == null) {
      return;
    }
    FileState state;
    try {
      state = lstat(root.resolve(ref.path()));
    } catch (IOException e) {
      LOG.debug("cannot examine {}: {}; looking again later", ref.key(), e.toString());
      Pending existing = pending.get(ref);
      if (existing == null) {
        Pending unknown = new Pending(ref, null, now, Origin.WATCH, false);
        pending.put(ref, unknown);
        schedule(unknown, now + settleNanos);
      }
      return;
    }
    boolean directory = state != null && state.isDirectory();
    if (!directory && (index(ref.root()).isDirectory(ref.path()) || inFlightUnder.containsKey(ref))) {
      // A directory that is gone, moved out, or replaced by a file: retire its subtree.
      List<PathRef> gone = new ArrayList<>();
      retire(ref.root(), ref.path(), gone);
      bulkDeletes(ref.root(), gone, Origin.WATCH, now);
    }
    observe(ref, state, Origin.WATCH, now);
  }

  private void listed(Message.DirectoryListed listed, long now) {
    String root = listed.root();
    Index index = index(root);
    Set<String> names = new HashSet<>();
    for (Listed file : listed.files()) {
      names.add(file.name());
      observe(new PathRef(root, RootSpec.child(listed.directory(), file.name())), file.state(), Origin.SCAN, now);
    }
    List<PathRef> gone = new ArrayList<>();
    for (String name : index.fileNames(listed.directory())) {
      if (!names.contains(name)) {
        gone.add(new PathRef(root, RootSpec.child(listed.directory(), name)));
      }
    }
    Set<String> subdirectories = new HashSet<>(listed.subdirectories());
    Set<String> goneDirectories = new HashSet<>();
    for (String name : index.directoryNames(listed.directory())) {
      if (!subdirectories.contains(name)) {
        goneDirectories.add(name);
      }
    }
    // Events in flight are not in the index yet: what they say exists must be listed too.
    String directory = listed.directory();
    if (directory.isEmpty() ? !latestSent.isEmpty() : inFlightUnder.containsKey(new PathRef(root, directory))) {
      String prefix = directory.isEmpty() ? "" : directory + "/";
      List<PathRef> goneFiles = new ArrayList<>();
      for (InFlight sent : latestSent.values()) {
        if (sent.state == null || !sent.ref.root().equals(root) || !sent.ref.path().startsWith(prefix)) {
          continue;
        }
        String rest = sent.ref.path().substring(prefix.length());
        int slash = rest.indexOf('/');
        if (slash < 0) {
          if (!names.contains(rest)) {
            goneFiles.add(sent.ref);
          }
        } else if (!subdirectories.contains(rest.substring(0, slash))) {
          goneDirectories.add(rest.substring(0, slash));
        }
      }
      gone.addAll(goneFiles);
    }
    for (String name : goneDirectories) {
      retire(root, RootSpec.child(directory, name), gone);
    }
    bulkDeletes(root, gone, Origin.SCAN, now);
  }

  /**
   * Deletes that a scan or a directory's disappearance found (not the kernel's one-by-one reports):
   * observed, unless they and the deletes held already for the root reach the threshold and more
   * than half of its known files. Those are held until the files reappear or the operator confirms
   * them, never by waiting: an unmounted nested volume, or a root seen first already empty, is not
   * a mass delete.
   */
  private void bulkDeletes(String root, List<PathRef> found, Origin origin, long now) {
    // Deletes the kernel reported one by one (an rm -rf) are on their way already: not counted.
    List<PathRef> gone = new ArrayList<>(found.size());
    for (PathRef ref : found) {
      Pending waiting = pending.get(ref);
      InFlight sent = latestSent.get(ref);
      if ((waiting == null || waiting.observed != null) && (sent == null || sent.state != null)) {
        gone.add(ref);
      }
    }
    if (gone.isEmpty()) {
      return;
    }
    Set<PathRef> held = heldDeletes.get(root);
    int count = gone.size() + (held == null ? 0 : held.size());
    long known = index(root).size();
    if (deleteThreshold > 0 && count >= deleteThreshold && 2L * count > known) {
      Set<PathRef> holding = heldDeletes.computeIfAbsent(root, r -> new HashSet<>());
      gone.forEach(ref -> {
        Pending waiting = pending.get(ref);
        if (waiting != null) {
          remove(waiting);
        }
      });
      holding.addAll(gone);
      heldDeletesChanged();
      LOG.error(
          "root '{}': {} files of its {} known are gone at once (a scan or a vanished directory): the deletes"
              + " are held, not published, until the files reappear or you confirm them"
              + " (POST /roots/{}/confirm-deletes on the metrics port)",
          root,
          holding.size(),
          known,
          root);
      return;
    }
    for (PathRef ref : gone) {
      observe(ref, null, origin, now);
    }
  }

  private void republish(Message.Republish asked, long now) {
    RootSpec root = roots.get(asked.root());
    if (root == null) {
      LOG.warn("no root '{}' here: the {} paths asked for are not published again", asked.root(), asked.paths().size());
      return;
    }
    int taken = 0;
    for (String path : asked.paths()) {
      if (!root.filter().acceptsFile(path)) {
        continue;
      }
      PathRef ref = new PathRef(asked.root(), path);
      if (!latestSent.containsKey(ref) && !pending.containsKey(ref)) {
        // Uncertain matches no state, so what the path shows now is published.
        put(ref, IndexEntry.uncertain());
      }
      changed(ref, now);
      taken++;
    }
    LOG.info("root '{}': {} paths published again, as asked", asked.root(), taken);
  }

  private void confirmDeletes(String root, long now) {
    Set<PathRef> held = heldDeletes.remove(root);
    heldDeletesChanged();
    if (held == null) {
      LOG.info("root '{}': no deletes are held; nothing to confirm", root);
      return;
    }
    LOG.warn("root '{}': {} held deletes confirmed: publishing those whose files are still gone", root, held.size());
    for (PathRef ref : held) {
      observe(ref, null, Origin.SCAN, now);
    }
  }

  /** Publishes the held deletes' counts to {@link #heldDeletes} and the gauge. */
  private void heldDeletesChanged() {
    Map<String, Integer> counts = new HashMap<>();
    heldDeletes.forEach((root, held) -> counts.put(root, held.size()));
    heldDeleteCounts = Map.copyOf(counts);
    metrics.heldDeletes(counts.values().stream().mapToInt(Integer::intValue).sum());
  }

  /** A held delete whose file is seen again is not a delete any more. */
  private void reappeared(PathRef ref) {
    Set<PathRef> held = heldDeletes.get(ref.root());
    if (held == null || !held.remove(ref)) {
      return;
    }
    if (held.isEmpty()) {
      heldDeletes.remove(ref.root());
      LOG.warn("root '{}': the files whose deletes were held are back; none is held now", ref.root());
    }
    heldDeletesChanged();
  }

  /** Adds every file known under {@code directory} to {@code gone}. */
  private void retire(String root, String directory, List<PathRef> gone) {
    index(root).forEachUnder(directory, (path, entry) -> gone.add(new PathRef(root, path)));
    if (inFlightUnder.containsKey(new PathRef(root, directory))) {
      String prefix = directory + "/";
      for (InFlight sent : latestSent.values()) {
        if (sent.ref.root().equals(root) && sent.ref.path().startsWith(prefix) && sent.state != null) {
          gone.add(sent.ref);
        }
      }
    }
  }

  /** A state seen at a path: pending if it differs from what was published. */
  private void observe(PathRef ref, @Nullable FileState seen, Origin origin, long now) {
    FileState state = seen != null && seen.isDirectory() ? null : seen;
    if (state != null) {
      reappeared(ref);
    }
    Pending existing = pending.get(ref);
    if (existing != null) {
      existing.expectedGone |= state == null;
      if (!Objects.equals(existing.observed, state)) {
        existing.observed = state;
        existing.changedAt = now;
        existing.quiet = quiet(state);
        existing.origin = origin;
        metrics.changeDetected();
      }
      return;
    }
    if (matchesPublished(ref, state)) {
      return;
    }
    Pending created = new Pending(ref, state, now, origin, quiet(state));
    created.expectedGone = state == null;
    pending.put(ref, created);
    metrics.changeDetected();
    schedule(created, created.quiet ? now : now + settleNanos);
  }

  /** Whether {@code state} (null: no file) is what the events topic says, or will say. */
  private boolean matchesPublished(PathRef ref, @Nullable FileState state) {
    InFlight sent = latestSent.get(ref);
    if (sent != null) {
      return Objects.equals(sent.state, state);
    }
    IndexEntry entry = index(ref.root()).get(ref.path());
    if (entry == null) {
      return state == null;
    }
    return state != null && entry.matches(state);
  }

  private boolean publishedAbsent(PathRef ref) {
    InFlight sent = latestSent.get(ref);
    if (sent != null) {
      return sent.state == null;
    }
    return index(ref.root()).get(ref.path()) == null;
  }

  /**
   * A file whose last change is older than the settle window is quiet already. The later of the
   * modification and the status change time: a modification time put back (tar, rsync -t) says
   * nothing about when the content was written.
   */
  private boolean quiet(@Nullable FileState state) {
    if (state == null) {
      return false;
    }
    Long modified = state.modifiedNanos();
    Long changed = state.changedNanos();
    if (modified == null && changed == null) {
      return false;
    }
    long latest = Math.max(modified == null ? Long.MIN_VALUE : modified, changed == null ? Long.MIN_VALUE : changed);
    long wallNanos = System.currentTimeMillis() * 1_000_000L;
    return wallNanos - latest >= settleNanos;
  }

  private void schedule(Pending entry, long at) {
    entry.checkAt = at;
    entry.where = Where.TIMER;
    timers.add(entry);
  }

  private void fireTimers(long now) {
    while (!timers.isEmpty() && Objects.requireNonNull(timers.peek()).checkAt - now <= 0) {
      Pending entry = timers.poll();
      if (entry == null || entry.where != Where.TIMER || pending.get(entry.ref) != entry) {
        continue;
      }
      long due = entry.quiet ? entry.changedAt : entry.changedAt + settleNanos;
      long deadline = entry.firstAt + maxDelayNanos;
      long wake = due - deadline < 0 ? due : deadline;
      if (wake - now > 0) {
        schedule(entry, wake);
      } else {
        settle(entry, now);
      }
    }
  }

  private void drainReady(long now) {
    while (!ready.isEmpty() && inFlight.size() < maxInFlight && now - pausedUntilNanos >= 0) {
      Pending entry = ready.poll();
      if (entry != null && entry.where == Where.READY && pending.get(entry.ref) == entry) {
        settle(entry, now);
      }
    }
  }

  /** Looks at a due path again: publishes it if it is quiet (or overdue) and differs. */
  private void settle(Pending entry, long now) {
    if (guard.held(entry.ref.root())) {
      // Seen before its root was held: the scan when it is back finds what is true then.
      remove(entry);
      return;
    }
    RootSpec root = Objects.requireNonNull(roots.get(entry.ref.root()));
    FileState current;
    try {
      current = lookAgain(entry, root);
      if (current != null && entry.expectedGone) {
        // Retired with its directory: if that directory is now a symbolic link, the file seen
        // through it is the link target's, not the tree's (and costs a realpath only here).
        current = Stat.lstatInTree(root.directory(), entry.ref.path());
      }
    } catch (IOException e) {
      LOG.warn("cannot examine {}: {}; looking again in a moment", entry.ref.key(), e.toString());
      schedule(entry, now + settleNanos);
      return;
    }
    if (current != null && current.isDirectory()) {
      current = null;
    }
    boolean overdue = now - (entry.firstAt + maxDelayNanos) >= 0;
    if (!Objects.equals(current, entry.observed) && !overdue) {
      entry.observed = current;
      entry.changedAt = now;
      entry.quiet = quiet(current);
      schedule(entry, entry.quiet ? now : now + settleNanos);
      return;
    }
    entry.observed = current;
    if (matchesPublished(entry.ref, current)) {
      remove(entry);
      return;
    }
    if (current == null && !guard.confirm(root)) {
      // The root went away between the look and now (an unmount): the file is away, not deleted.
      remove(entry);
      return;
    }
    if (inFlight.size() >= maxInFlight || now - pausedUntilNanos < 0) {
      entry.where = Where.READY;
      ready.add(entry);
      return;
    }
    send(entry, current, now);
  }

  /**
   * What is at a due path now. A quiet state (last modified and changed before the settle window)
   * that this thread's own {@code lstat} saw, on a report, is taken as it was seen: any change after
   * that look is a report behind it in the mailbox, which updates this entry (a new {@code ctime}
   * makes it not quiet). A scan's state is looked at again, however quiet: the scanner posts from
   * its own thread, so its listing can arrive after the report of a change made since it was taken
   * (a file deleted after it was listed would be published as there).
   */
  private @Nullable FileState lookAgain(Pending entry, RootSpec root) throws IOException {
    FileState seen = entry.observed;
    if (seen != null && entry.quiet && !entry.expectedGone && entry.origin == Origin.WATCH) {
      return seen;
    }
    return lstat(root.resolve(entry.ref.path()));
  }

  /** {@code lstat} on the tracker's thread: natively where it can, else through the JDK. */
  private @Nullable FileState lstat(Path path) throws IOException {
    if (pathStat == null) {
      return Stat.lstat(path);
    }
    io.hashstream.nativeio.FileState seen = pathStat.lstat(path);
    return seen == null ? null : Stat.of(seen);
  }

  private void send(Pending entry, @Nullable FileState state, long now) {
    ChangeKind kind;
    if (state == null) {
      kind = ChangeKind.DELETED;
    } else if (entry.origin == Origin.SCAN) {
      kind = ChangeKind.FOUND;
    } else {
      kind = publishedAbsent(entry.ref) ? ChangeKind.CREATED : ChangeKind.MODIFIED;
    }
    remove(entry);
    long id = nextId++;
    InFlight sent =
        new InFlight(entry.ref, state, kind, entry.firstAt, Math.multiplyExact(System.currentTimeMillis(), 1_000_000L));
    if (inFlight.isEmpty()) {
      waitingSinceNanos = now;
    }
    inFlight.put(id, sent);
    latestSent.put(entry.ref, sent);
    if (state != null) {
      countUnder(entry.ref, 1);
    }
    Objects.requireNonNull(outbox).send(new Outgoing(id, entry.ref, kind, state, entry.detectedAtMicros));
  }

  private void remove(Pending entry) {
    entry.where = Where.NONE;
    pending.remove(entry.ref, entry);
  }

  private void acknowledged(long id, long now) {
    InFlight sent = inFlight.remove(id);
    if (sent == null) {
      return;
    }
    latestSent.remove(sent.ref, sent);
    if (sent.state != null) {
      countUnder(sent.ref, -1);
    }
    FileState state = sent.state;
    if (state == null) {
      removeFromIndex(sent.ref);
    } else if (Racy.within(state.modifiedNanos(), state.changedNanos(), sent.sentAtWallNanos)) {
      // Looked at within a tick of its last change: uncertain, so it is looked at (and published)
      // once more now, and at the next start if that does not happen first.
      put(sent.ref, IndexEntry.uncertain());
      metrics.racy();
      // Once per change: a time in the future (a clock set wrong) stays within a tick at every look.
      if (!racyLooks.add(sent.ref)) {
        racyLooks.remove(sent.ref);
      } else if (!latestSent.containsKey(sent.ref) && !pending.containsKey(sent.ref)) {
        observe(sent.ref, state, Origin.WATCH, now);
      }
    } else {
      put(sent.ref, IndexEntry.published(state));
      racyLooks.remove(sent.ref);
    }
    metrics.indexedFiles(indexedFiles());
    metrics.published(sent.kind, Duration.ofNanos(now - sent.firstAt));
    waitingSinceNanos = now;
    backoffNanos = 0;
    if (stallReported || failuresSinceAck > 0) {
      LOG.info(
          "Kafka acknowledges events again; publishing resumed ({} changes waiting)",
          pending.size());
    }
    stallReported = false;
    failuresSinceAck = 0;
  }

  private void failed(long id, Exception failure, String description, long now) {
    InFlight sent = inFlight.remove(id);
    if (sent == null) {
      return;
    }
    latestSent.remove(sent.ref, sent);
    if (sent.state != null) {
      countUnder(sent.ref, -1);
    }
    metrics.sendFailed();
    // The event may or may not be in the topic: whatever the path holds now is published again.
    put(sent.ref, IndexEntry.uncertain());
    failuresSinceAck++;
    if (now - pausedUntilNanos >= 0) {
      // Doubled once per pause, not once per failed event: a whole batch fails at once.
      backoffNanos =
          backoffNanos == 0 ? MIN_BACKOFF_NANOS : Math.min(MAX_BACKOFF_NANOS, backoffNanos * 2);
      pausedUntilNanos = now + backoffNanos;
    }
    if (failuresSinceAck == 1 || now - lastFailureLogNanos >= FAILURE_LOG_NANOS) {
      lastFailureLogNanos = now;
      if (failure instanceof RetriableException || failure.getCause() instanceof RetriableException) {
        LOG.warn(
            "Kafka did not acknowledge an event in time ({}); {} change(s) will be published again"
                + " when it answers: retrying with backoff (now {} s), still watching",
            failure.toString(),
            failuresSinceAck,
            TimeUnit.NANOSECONDS.toSeconds(backoffNanos));
      } else {
        LOG.error(
            "Kafka refused an event: {}; {} change(s) will be published again, retrying with"
                + " backoff (now {} s)",
            description,
            failuresSinceAck,
            TimeUnit.NANOSECONDS.toSeconds(backoffNanos));
      }
    }
    changed(sent.ref, now);
  }

  /** Adds {@code delta} to the in-flight count of every directory above {@code ref}. */
  private void countUnder(PathRef ref, int delta) {
    String path = ref.path();
    for (int slash = path.indexOf('/'); slash >= 0; slash = path.indexOf('/', slash + 1)) {
      inFlightUnder.merge(
          new PathRef(ref.root(), path.substring(0, slash)),
          delta,
          (count, change) -> count + change == 0 ? null : count + change);
    }
  }

  private void checkStall(long now) {
    if (!inFlight.isEmpty() && !stallReported && now - waitingSinceNanos >= STALL_NANOS) {
      stallReported = true;
      LOG.warn(
          "Kafka has not acknowledged any event for {} s: {} in flight, {} change(s) waiting;"
              + " the producer keeps watching and coalescing, and the client keeps retrying",
          TimeUnit.NANOSECONDS.toSeconds(now - waitingSinceNanos),
          inFlight.size(),
          pending.size());
    }
  }

  /** Every change of an index goes through here and {@link #removeFromIndex}: it is journaled. */
  private void put(PathRef ref, IndexEntry entry) {
    index(ref.root()).put(ref.path(), entry);
    journal.put(ref.root(), ref.path(), entry);
    touched(ref);
  }

  private void removeFromIndex(PathRef ref) {
    index(ref.root()).remove(ref.path());
    journal.remove(ref.root(), ref.path());
    touched(ref);
  }

  private void touched(PathRef ref) {
    Audit current = audit;
    if (current != null) {
      current.touched.add(ref);
    }
  }

  /**
   * The end of a comparison: what the table has wrong or lacks is published again, unless the
   * consumers had not answered every event this producer published before it began (their results
   * were not in the table yet: it is concluded next time).
   */
  private void auditEnded(Audit done, TablePosition position, long now) {
    Map<Integer, Long> behind = new HashMap<>();
    for (Map.Entry<Integer, Long> published : done.ackedBefore.entrySet()) {
      long answered = position.answered().getOrDefault(published.getKey(), -1L);
      if (answered < published.getValue()) {
        behind.put(published.getKey(), answered);
      }
    }
    // Behind exactly as at the last comparison, a whole interval ago: not lagging, but results lost.
    if (!behind.isEmpty() && !behind.equals(behindAtLastAudit)) {
      behindAtLastAudit = behind;
      LOG.info(
          "comparison with the hash table: the consumers have not answered every event published"
              + " before it began (answered per partition: {}, published: {}); concluded at the next one",
          behind,
          done.ackedBefore);
      return;
    }
    behindAtLastAudit = Map.of();
    List<PathRef> wrong = new ArrayList<>();
    for (Map.Entry<String, Index> root : indexes.entrySet()) {
      root.getValue().forEachUnmarked((path, entry) -> wrong.add(new PathRef(root.getKey(), path)));
    }
    wrong.addAll(done.unknown);
    int published = 0;
    List<String> examples = new ArrayList<>();
    for (PathRef ref : wrong) {
      if (done.touched.contains(ref) || pending.containsKey(ref) || latestSent.containsKey(ref) || !roots.containsKey(ref.root())) {
        continue;
      }
      if (examples.size() < 5) {
        examples.add(ref.key());
      }
      put(ref, IndexEntry.uncertain());
      changed(ref, now);
      published++;
    }
    metrics.tableDisagreements(published);
    if (published > 0) {
      LOG.warn(
          "comparison with the hash table: {} path(s) the table has wrong or lacks (for example {}): published again",
          published,
          examples);
    } else {
      LOG.info("comparison with the hash table: it agrees with the index");
    }
    journal.position(position);
  }

  /** One comparison with the table, while it runs. */
  private static final class Audit {
    private final Map<String, Index> indexes;
    /** Per partition, the last event of this producer acknowledged before it began. */
    final Map<Integer, Long> ackedBefore;
    /** Paths whose entry changed since it began: their records in the table may be older. */
    final Set<PathRef> touched = new HashSet<>();
    /** Paths the table says exist and the index does not know. */
    final Set<PathRef> unknown = new HashSet<>();

    Audit(Map<String, Index> indexes, Map<Integer, Long> acked) {
      this.indexes = indexes;
      this.ackedBefore = Map.copyOf(acked);
      indexes.values().forEach(Index::clearMarks);
    }

    void row(TableRow row) {
      Index index = indexes.get(row.root());
      if (index == null) {
        return;
      }
      PathRef ref = new PathRef(row.root(), row.path());
      IndexEntry recorded = row.recorded();
      IndexEntry known = index.get(row.path());
      unknown.remove(ref);
      if (recorded == null) {
        index.unmark(row.path());
      } else if (known == null) {
        unknown.add(ref);
      } else if (known.agreesWith(recorded)) {
        index.mark(row.path());
      } else {
        index.unmark(row.path());
      }
    }
  }

  private Index index(String root) {
    return Objects.requireNonNull(indexes.get(root), root);
  }

  private long indexedFiles() {
    long total = 0;
    for (Index index : indexes.values()) {
      total += index.size();
    }
    return total;
  }

  private enum Origin {
    WATCH,
    SCAN
  }

  private enum Where {
    NONE,
    TIMER,
    READY
  }

  /** A path whose newest state is not published yet. */
  private static final class Pending {
    final PathRef ref;
    final long firstAt;
    final long detectedAtMicros;
    @Nullable FileState observed;
    long changedAt;
    boolean quiet;
    Origin origin;
    Where where = Where.NONE;
    long checkAt;
    /** Seen gone at some point (a delete, a retired directory): checked against the tree's shape. */
    boolean expectedGone;

    Pending(PathRef ref, @Nullable FileState observed, long now, Origin origin, boolean quiet) {
      this.ref = ref;
      this.observed = observed;
      this.firstAt = now;
      this.changedAt = now;
      this.origin = origin;
      this.quiet = quiet;
      this.detectedAtMicros = Math.multiplyExact(System.currentTimeMillis(), 1000L);
    }
  }

  /**
   * An event sent and not yet acknowledged.
   *
   * @param sentAtWallNanos when it was sent, on the wall clock (nanoseconds since the epoch)
   */
  private record InFlight(
      PathRef ref, @Nullable FileState state, ChangeKind kind, long firstAt, long sentAtWallNanos) {}
}
