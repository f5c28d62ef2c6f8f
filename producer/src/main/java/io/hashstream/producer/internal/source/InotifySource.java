package io.hashstream.producer.internal.source;

import io.hashstream.nativeio.InotifyException;

import io.hashstream.nativeio.InotifyEvent;

import io.hashstream.nativeio.Inotify;

import static io.hashstream.nativeio.Inotify.IN_CREATE;
import static io.hashstream.nativeio.Inotify.IN_DELETE;
import static io.hashstream.nativeio.Inotify.IN_DELETE_SELF;
import static io.hashstream.nativeio.Inotify.IN_IGNORED;
import static io.hashstream.nativeio.Inotify.IN_ISDIR;
import static io.hashstream.nativeio.Inotify.IN_MOVED_FROM;
import static io.hashstream.nativeio.Inotify.IN_MOVED_TO;
import static io.hashstream.nativeio.Inotify.IN_MOVE_SELF;
import static io.hashstream.nativeio.Inotify.IN_Q_OVERFLOW;
import static io.hashstream.nativeio.Inotify.IN_UNMOUNT;

import io.hashstream.producer.Watching;
import io.hashstream.producer.internal.Failures;
import io.hashstream.producer.internal.FileState;
import io.hashstream.producer.internal.ProducerMetrics;
import io.hashstream.producer.internal.RootGuard;
import io.hashstream.producer.internal.RootSpec;
import io.hashstream.producer.internal.Stat;
import io.hashstream.nativeio.StatFs;
import io.hashstream.producer.internal.source.WatchTree.Node;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Linux inotify as a change source, recursive, with two threads.
 *
 * <p><b>{@code hashstream-inotify}</b>, the reader, owns the inotify descriptor, its buffer and the
 * tree of watched directories with the watch-descriptor map. It waits in {@code poll(2)}, reads,
 * parses, turns each event into a path of a root and hands it to the sink (which only queues), and
 * answers the scanner's requests to watch a directory. It never lists a directory and never waits
 * for anything but the kernel, so the kernel's queue (16,384 events by default) drains as fast as
 * events can be parsed.
 *
 * <p><b>{@code hashstream-scanner}</b> owns the scan work list: the initial scan, rescans and
 * reconciliations, the roots' identity checks, and the directories inotify could not watch. For
 * each directory it asks the reader to watch it and then lists it (watch first, list second), so
 * a file created meanwhile is either listed or reported.
 *
 * <ul>
 *   <li>A new directory is watched by the reader at once, then scanned.
 *   <li>A rename's halves are paired by cookie, across reads: a directory renamed inside a root
 *       keeps its watches under its new path and is scanned there; a half left unpaired for {@link
 *       #PAIR_WINDOW_NANOS} is a directory moved out (retired) or in (watched and scanned).
 *   <li>{@code IN_Q_OVERFLOW}: what was lost is unknown, so every root is scanned again, diffed by
 *       the sink against what it knows.
 *   <li>{@code IN_UNMOUNT}, {@code IN_DELETE_SELF}, {@code IN_MOVE_SELF} of a root, or its watch
 *       ignored, check the root at once: a held root publishes nothing (a lazy unmount sends no
 *       event; the checks every two seconds find it).
 *   <li>{@code ENOSPC}, the watch limit: said once with the sysctl that raises it; the directories
 *       left unwatched are listed again every poll interval.
 *   <li>In {@link Watching.Mode#AUTO}, a directory on a device not seen before has its file system
 *       type asked of {@code statfs}: a network one (NFS, SMB, FUSE, ...) is polled, not watched,
 *       with everything under it on that device, since changes made on other hosts raise no event.
 * </ul>
 */
final class InotifySource implements ChangeSource {
  private static final Logger LOG = LoggerFactory.getLogger(InotifySource.class);
  /** How long the first half of a directory's rename waits for its second. */
  static final long PAIR_WINDOW_NANOS = TimeUnit.MILLISECONDS.toNanos(20);
  /** A pending half is given up this long after its window even while events keep coming. */
  private static final long PAIR_LIMIT_NANOS = TimeUnit.SECONDS.toNanos(1);
  private static final int IDLE_POLL_MILLIS = 100;
  /** Reads in a row before the reader looks at the scanner's requests again. */
  private static final int READS_PER_TURN = 16;
  private static final long ROOT_CHECK_NANOS = TimeUnit.SECONDS.toNanos(2);
  private static final long SATURATED_WAIT_NANOS = TimeUnit.MILLISECONDS.toNanos(20);

  private final List<RootSpec> roots;
  private final ChangeSink sink;
  private final Reconciliation reconciliation;
  private final Watching watching;
  private final Duration pollInterval;
  /** The poll interval as the log says it. */
  private final String pollEvery;
  private final RootGuard guard;
  private final ProducerMetrics metrics;
  private final Failures failures;
  private final AtomicBoolean reconcileRequested = new AtomicBoolean();
  private final AtomicBoolean initialScanDone = new AtomicBoolean();
  private final ConcurrentLinkedQueue<Request> requests = new ConcurrentLinkedQueue<>();
  private final LinkedBlockingQueue<ScanQueue.Task> incoming = new LinkedBlockingQueue<>();
  private volatile boolean stopping;
  private @Nullable Inotify inotify;
  private @Nullable Thread reader;
  private @Nullable Thread scanner;

  // Owned by the reader.
  private final WatchTree<Integer> tree;
  private final Map<Integer, PendingMove> moves = new LinkedHashMap<>();
  private final UnpublishableNames readerNames;
  private boolean watchLimitReported;
  /** Set by {@link #watch} when it returns null for a directory that is there but not watchable. */
  private boolean watchRefused;

  // Owned by the scanner.
  private final ScanQueue work = new ScanQueue();
  /** The directories listed every poll interval: not watched, or not watchable. */
  private final Set<ScanQueue.Task> polled = new LinkedHashSet<>();
  /** Each device seen in {@link Watching.Mode#AUTO}: the network file system it holds, if one. */
  private final Map<Long, Optional<String>> networkDevices = new HashMap<>();
  private final UnpublishableNames scannerNames;
  /** Closed by the scanner when it ends, or by {@link #close} if it never started. */
  private final DirectoryListing listing = DirectoryListing.forThisPlatform();

  InotifySource(
      List<RootSpec> roots,
      ChangeSink sink,
      Reconciliation reconciliation,
      Watching watching,
      RootGuard guard,
      ProducerMetrics metrics,
      Failures failures) {
    this.roots = List.copyOf(roots);
    this.sink = sink;
    this.reconciliation = reconciliation;
    if (watching.mode() == Watching.Mode.JDK) {
      throw new IllegalArgumentException("the JDK's watch service is WatchServiceSource");
    }
    this.watching = watching;
    this.pollInterval = watching.pollInterval();
    this.pollEvery =
        pollInterval.toMillis() % 1000 == 0 ? pollInterval.toSeconds() + " s" : pollInterval.toMillis() + " ms";
    this.guard = guard;
    this.metrics = metrics;
    this.failures = failures;
    this.tree = new WatchTree<>(wd -> instance().removeWatch(wd), metrics::watchedDirectories);
    this.readerNames = new UnpublishableNames(metrics);
    this.scannerNames = new UnpublishableNames(metrics);
  }

  /** Why this JVM cannot watch through inotify; empty if it can. */
  static Optional<String> unavailable() {
    return Inotify.unavailable();
  }

  @Override
  public synchronized void start() {
    if (scanner != null) {
      throw new IllegalStateException("already started");
    }
    if (roots.stream().anyMatch(root -> watching.modeOf(root.name()) != Watching.Mode.POLL)) {
      try {
        inotify = Inotify.open();
      } catch (InotifyException e) {
        throw new IllegalStateException(e.getMessage(), e);
      }
    }
    for (RootSpec root : roots) {
      incoming.add(new ScanQueue.Task(root, "", true));
    }
    if (inotify != null) {
      reader = Thread.ofPlatform().name("hashstream-inotify").daemon().start(() -> run("inotify reader", this::readLoop));
    }
    scanner =
        Thread.ofPlatform()
            .name("hashstream-scanner")
            .daemon()
            .start(
                () -> {
                  try {
                    run("scanner", this::scanLoop);
                  } finally {
                    listing.close();
                  }
                });
  }

  @Override
  public boolean initialScanDone() {
    return initialScanDone.get();
  }

  @Override
  public void reconcile() {
    reconcileRequested.set(true);
  }

  @Override
  public void close() {
    stopping = true;
    Thread readerThread;
    Thread scannerThread;
    Inotify instance;
    synchronized (this) {
      readerThread = reader;
      scannerThread = scanner;
      instance = inotify;
    }
    if (scannerThread == null) {
      listing.close();
      return;
    }
    if (instance != null) {
      instance.wakeUp();
    }
    try {
      scannerThread.join(TimeUnit.SECONDS.toMillis(10));
      if (readerThread != null) {
        readerThread.join(TimeUnit.SECONDS.toMillis(10));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (instance == null || readerThread == null) {
      return;
    }
    if (readerThread.isAlive()) {
      LOG.warn("the inotify reader did not stop within 10 s; its descriptor is left open");
      return;
    }
    instance.close();
  }

  private interface Loop {
    void run() throws InotifyException, InterruptedException;
  }

  private void run(String what, Loop loop) {
    try {
      loop.run();
    } catch (InterruptedException e) {
      if (!stopping) {
        failures.fail(what, e);
      }
    } catch (InotifyException | RuntimeException | Error e) {
      failures.fail(what, e);
    }
  }

  private Inotify instance() {
    Inotify instance = inotify;
    if (instance == null) {
      throw new IllegalStateException("not started");
    }
    return instance;
  }

  // ---- the reader ------------------------------------------------------------------------------

  private void readLoop() throws InotifyException {
    Inotify instance = instance();
    try {
      while (!stopping) {
        boolean readable = instance.await(readerTimeoutMillis());
        answerRequests();
        boolean drained = true;
        if (readable) {
          drained = false;
          for (int reads = 0; reads < READS_PER_TURN && !drained; reads++) {
            drained = !instance.read(this::handle);
          }
        }
        expireMoves(drained);
      }
    } finally {
      // A scanner waiting for an answer is not left waiting.
      for (Request request = requests.poll(); request != null; request = requests.poll()) {
        if (request instanceof Request.Watch watch) {
          watch.reply().complete(WatchReply.UNWATCHED);
        }
      }
    }
  }

  private int readerTimeoutMillis() {
    if (moves.isEmpty()) {
      return IDLE_POLL_MILLIS;
    }
    long due = moves.values().iterator().next().deadline - System.nanoTime();
    return Math.clamp(TimeUnit.NANOSECONDS.toMillis(due) + 1, 1, IDLE_POLL_MILLIS);
  }

  private void answerRequests() {
    for (Request request = requests.poll(); request != null; request = requests.poll()) {
      switch (request) {
        case Request.Watch(RootSpec root, String relative, CompletableFuture<WatchReply> reply) -> {
          Node<Integer> node = watch(root, relative);
          reply.complete(
              node == null
                  ? (watchRefused ? WatchReply.UNWATCHED : WatchReply.MISSING)
                  : new WatchReply(true, false, Set.copyOf(node.children.keySet())));
          watchRefused = false;
        }
        case Request.Prune(RootSpec root, String relative, Set<String> subdirectories) -> {
          Node<Integer> node = tree.find(root, relative);
          if (node != null) {
            tree.retireChildrenNotIn(node, subdirectories);
          }
        }
        case Request.Retire(RootSpec root, String relative) -> {
          Node<Integer> node = tree.find(root, relative);
          if (node != null) {
            tree.retire(node);
          }
        }
        case Request.RetireRoot(RootSpec root) -> {
          Node<Integer> top = tree.top(root.name());
          if (top != null) {
            // What is watched is the tree that went away (a lazy unmount keeps it alive).
            tree.retire(top);
          }
        }
      }
    }
  }

  private void handle(InotifyEvent event) {
    if (event.is(IN_Q_OVERFLOW)) {
      overflow();
      return;
    }
    Node<Integer> directory = tree.node(event.wd());
    if (directory == null) {
      // A watch retired a moment ago: its last events do not matter.
      return;
    }
    String name = event.name();
    if (name == null) {
      readerNames.found(directory.root, directory.relative, 1);
      return;
    }
    if (name.isEmpty()) {
      self(directory, event);
      return;
    }
    RootSpec root = directory.root;
    String relative = RootSpec.child(directory.relative, name);
    boolean isDirectory = event.is(IN_ISDIR);
    if (event.is(IN_MOVED_FROM)) {
      movedFrom(directory, name, relative, isDirectory, event.cookie());
    } else if (event.is(IN_MOVED_TO)) {
      movedTo(directory, name, relative, isDirectory, event.cookie());
    } else if (isDirectory) {
      if (event.is(IN_CREATE)) {
        // A file that was at this path is gone.
        sink.pathChanged(root.name(), relative);
        newDirectory(directory, relative, false);
      } else if (event.is(IN_DELETE)) {
        Node<Integer> child = directory.children.get(name);
        if (child != null) {
          tree.retire(child);
        }
        sink.pathChanged(root.name(), relative);
      }
      // Anything else of a subdirectory (its attributes) publishes nothing.
    } else if (root.filter().acceptsFile(relative)) {
      sink.pathChanged(root.name(), relative);
    }
  }

  /** An event of a watched directory itself. */
  private void self(Node<Integer> directory, InotifyEvent event) {
    if (event.is(IN_IGNORED)) {
      if (tree.node(event.wd()) == directory) {
        gone(directory);
      }
    } else if (event.is(IN_UNMOUNT | IN_DELETE_SELF | IN_MOVE_SELF) && directory.parent == null) {
      LOG.debug("the directory of root '{}' was {}: checking it", directory.root.name(), what(event));
      incoming.add(new ScanQueue.Task(directory.root, "", true));
    }
  }

  private static String what(InotifyEvent event) {
    return event.is(IN_UNMOUNT) ? "unmounted" : event.is(IN_DELETE_SELF) ? "deleted" : "moved";
  }

  /** The kernel dropped a watch: its directory was deleted or its file system unmounted. */
  private void gone(Node<Integer> directory) {
    tree.forget(directory);
    if (directory.parent == null) {
      // The scanner's check of the root decides: held, or gone, or back.
      incoming.add(new ScanQueue.Task(directory.root, "", true));
      return;
    }
    sink.pathChanged(directory.root.name(), directory.relative);
    // Replaced by another directory of the same name: the scan watches and lists the new one.
    incoming.add(new ScanQueue.Task(directory.root, directory.relative, false));
  }

  private void overflow() {
    metrics.overflow();
    metrics.rescanAfterOverflow();
    LOG.info("inotify's queue overflowed: scanning every root again to find what it lost");
    for (RootSpec root : roots) {
      incoming.add(new ScanQueue.Task(root, "", true));
    }
  }

  private void movedFrom(Node<Integer> directory, String name, String relative, boolean isDirectory, int cookie) {
    if (!isDirectory) {
      if (directory.root.filter().acceptsFile(relative)) {
        sink.pathChanged(directory.root.name(), relative);
      }
      return;
    }
    sink.pathChanged(directory.root.name(), relative);
    Node<Integer> child = directory.children.get(name);
    if (child != null) {
      moves.put(cookie, new PendingMove(child, System.nanoTime() + PAIR_WINDOW_NANOS));
    }
  }

  private void movedTo(Node<Integer> directory, String name, String relative, boolean isDirectory, int cookie) {
    RootSpec root = directory.root;
    if (!isDirectory) {
      if (root.filter().acceptsFile(relative)) {
        sink.pathChanged(root.name(), relative);
      }
      return;
    }
    // A file that was at this path is gone.
    sink.pathChanged(root.name(), relative);
    PendingMove move = moves.remove(cookie);
    Node<Integer> moved = move == null ? null : move.node;
    if (moved != null && (tree.node(moved.handle) != moved || !moved.root.equals(root))) {
      moved = null;
    }
    if (!root.filter().acceptsDirectory(relative)) {
      if (move != null) {
        tree.retire(move.node);
      }
      return;
    }
    if (moved == null) {
      Node<Integer> replaced = directory.children.get(name);
      if (replaced != null) {
        tree.retire(replaced);
      }
      if (move != null) {
        tree.retire(move.node);
      }
      // From outside every watched tree: all of it is new here.
      newDirectory(directory, relative, true);
      return;
    }
    tree.move(moved, directory, name);
    // Its files are reported under their new paths; the sink retires the old ones.
    incoming.add(new ScanQueue.Task(root, relative, true));
  }

  private void expireMoves(boolean drained) {
    long now = System.nanoTime();
    for (Iterator<PendingMove> pending = moves.values().iterator(); pending.hasNext(); ) {
      PendingMove move = pending.next();
      long late = now - move.deadline;
      if (late < 0 || (!drained && late < PAIR_LIMIT_NANOS)) {
        return;
      }
      pending.remove();
      if (tree.node(move.node.handle) == move.node) {
        // Moved out of every watched tree.
        tree.retire(move.node);
      }
    }
  }

  /** A directory appeared in a watched one: watched now, then scanned. */
  private void newDirectory(Node<Integer> parent, String relative, boolean deep) {
    if (!parent.root.filter().acceptsDirectory(relative)) {
      return;
    }
    metrics.scanOfNewDirectory();
    watch(parent.root, relative);
    watchRefused = false;
    incoming.add(new ScanQueue.Task(parent.root, relative, deep));
  }

  /**
   * Watches {@code relative} (if it is not watched yet) and returns its node; null if the
   * directory is gone or cannot be watched (then {@link #watchRefused} is set).
   */
  private @Nullable Node<Integer> watch(RootSpec root, String relative) {
    WatchTree.Place.Vacant<Integer> vacant;
    switch (tree.place(root, relative)) {
      case WatchTree.Place.Existing<Integer>(Node<Integer> node) -> {
        return node;
      }
      case WatchTree.Place.Orphan<Integer>() -> {
        watchRefused = true;
        return null;
      }
      case WatchTree.Place.Vacant<Integer> place -> vacant = place;
    }
    int wd;
    switch (instance().addWatch(root.resolve(relative))) {
      case Inotify.Watch.Added(int added) -> wd = added;
      case Inotify.Watch.Missing() -> {
        return null;
      }
      case Inotify.Watch.LimitReached limit -> {
        refused(root, relative, limit.reason());
        return null;
      }
      case Inotify.Watch.Refused(String reason) -> {
        refused(root, relative, reason);
        return null;
      }
    }
    Node<Integer> previous = tree.node(wd);
    if (previous != null) {
      // The same directory under another name: moved, and the move is not paired yet.
      moves.values().removeIf(move -> move.node == previous);
    }
    return tree.add(root, vacant, wd);
  }

  private void refused(RootSpec root, String relative, String reason) {
    watchRefused = true;
    metrics.watchFailed();
    if (!watchLimitReported) {
      watchLimitReported = true;
      LOG.error(
          "cannot watch {}: {}. It and the directories like it are listed again every {} instead"
              + " (further refusals are logged at DEBUG)",
          root.resolve(relative),
          reason,
          pollEvery);
    } else {
      LOG.debug("cannot watch {}: {}", root.resolve(relative), reason);
    }
  }

  // ---- the scanner -----------------------------------------------------------------------------

  private void scanLoop() throws InterruptedException {
    long started = System.nanoTime();
    long nextReconcile = started + reconciliation.interval().toNanos();
    long nextRootCheck = started + ROOT_CHECK_NANOS;
    long nextPoll = started + pollInterval.toNanos();
    LOG.debug("watching {} root(s) through inotify; initial scan started", roots.size());
    while (!stopping) {
      long now = System.nanoTime();
      if (reconcileRequested.getAndSet(false) || now - nextReconcile >= 0) {
        LOG.info("reconciliation: scanning every root again");
        metrics.reconciliation();
        nextReconcile = now + reconciliation.interval().toNanos();
        // A mount may have come or gone since: each device's file system is asked again.
        networkDevices.clear();
        for (RootSpec root : roots) {
          work.add(new ScanQueue.Task(root, "", true));
        }
      }
      if (now - nextRootCheck >= 0) {
        nextRootCheck = now + ROOT_CHECK_NANOS;
        for (RootSpec root : roots) {
          checkRoot(root);
        }
      }
      if (now - nextPoll >= 0) {
        nextPoll = now + pollInterval.toNanos();
        for (ScanQueue.Task task : polled) {
          work.add(task);
        }
      }
      for (ScanQueue.Task task = incoming.poll(); task != null; task = incoming.poll()) {
        work.add(task);
      }
      if (work.isEmpty()) {
        if (!initialScanDone.get()) {
          initialScanDone.set(true);
          LOG.debug(
              "initial scan done in {} ms: {} files",
              TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started),
              metrics.scannedFiles());
        }
        ScanQueue.Task next = incoming.poll(IDLE_POLL_MILLIS, TimeUnit.MILLISECONDS);
        if (next != null) {
          work.add(next);
        }
      } else if (sink.saturated()) {
        // The sink's pending set stays bounded: the scan waits while watching goes on.
        LockSupport.parkNanos(SATURATED_WAIT_NANOS);
      } else {
        scan(work.take());
      }
    }
  }


  /** Checks a root's identity: a held one is no longer watched, a returning one scanned; true if held. */
  private boolean checkRoot(RootSpec root) {
    return switch (guard.check(root)) {
      case HELD -> {
        ask(new Request.RetireRoot(root));
        yield true;
      }
      case RESUMED -> {
        networkDevices.clear();
        work.add(new ScanQueue.Task(root, "", true));
        yield false;
      }
      case HEALTHY -> false;
    };
  }

  private void scan(ScanQueue.Task task) throws InterruptedException {
    RootSpec root = task.root();
    String relative = task.relative();
    if (relative.isEmpty() ? checkRoot(root) : guard.held(root.name())) {
      // Nothing of a held root is listed: a listing of an empty mountpoint would be deletes.
      return;
    }
    ScanQueue.Task poll = new ScanQueue.Task(root, relative, false);
    WatchReply watch;
    if (pollsOnly(root, relative)) {
      if (polled.add(poll)) {
        // It may have been watched before a network file system was mounted on it.
        ask(new Request.Retire(root, relative));
      }
      watch = WatchReply.UNWATCHED;
    } else {
      watch = requestWatch(root, relative);
      if (watch.unwatched()) {
        polled.add(poll);
      } else {
        polled.remove(poll);
      }
    }
    switch (listing.list(root, relative)) {
      case DirectoryListing.Result.Missing() -> {
        polled.remove(poll);
        if (relative.isEmpty()) {
          LOG.error("the directory of root '{}' ({}) is missing; nothing is published for it", root.name(), root.directory());
        } else {
          sink.pathChanged(root.name(), relative);
        }
      }
      case DirectoryListing.Result.Unreadable(IOException e) ->
          LOG.warn("cannot list {}: {}; what was known of it is kept", root.resolve(relative), e.toString());
      case DirectoryListing.Result.Listed listed -> {
        scannerNames.found(root, relative, listed.unpublishable());
        for (String name : listed.subdirectories()) {
          ScanQueue.Task child = new ScanQueue.Task(root, RootSpec.child(relative, name), task.deep());
          // A shallow scan lists what no watch or poll covers yet: a new subdirectory.
          if (task.deep() || !(watch.children().contains(name) || polled.contains(child))) {
            work.add(child);
          }
        }
        if (!watch.children().isEmpty()) {
          ask(new Request.Prune(root, relative, Set.copyOf(listed.subdirectories())));
        }
        metrics.filesScanned(listed.files().size());
        sink.directoryListed(root.name(), relative, listed.files(), listed.subdirectories());
      }
    }
    metrics.polledDirectories(polled.size());
  }

  /** Whether {@code relative} is listed every interval without a watch: its root or its file system says so. */
  private boolean pollsOnly(RootSpec root, String relative) {
    return switch (watching.modeOf(root.name())) {
      case POLL -> true;
      case INOTIFY, JDK -> false;
      case AUTO -> networkFileSystem(root, relative).isPresent();
    };
  }

  /** The network file system {@code relative} is on, asked of {@code statfs} once per device. */
  private Optional<String> networkFileSystem(RootSpec root, String relative) {
    Path directory = root.resolve(relative);
    FileState state;
    try {
      state = Stat.lstat(directory);
    } catch (IOException e) {
      // The listing that follows says what is wrong with it.
      return Optional.empty();
    }
    FileState.Identity identity = state == null ? null : state.identity();
    if (identity == null) {
      return Optional.empty();
    }
    Optional<String> known = networkDevices.get(identity.device());
    if (known != null) {
      return known;
    }
    Optional<String> network = StatFs.of(directory).flatMap(info -> NetworkFileSystems.named(info.type()));
    networkDevices.put(identity.device(), network);
    network.ifPresent(
        name ->
            LOG.info(
                "{} is on a network file system ({}): changes made on other hosts raise no event here,"
                    + " so it and what is under it are listed every {} (--watch {}=inotify watches it instead)",
                directory,
                name,
                pollEvery,
                root.name()));
    return network;
  }

  private WatchReply requestWatch(RootSpec root, String relative) throws InterruptedException {
    if (inotify == null) {
      return WatchReply.UNWATCHED;
    }
    CompletableFuture<WatchReply> reply = new CompletableFuture<>();
    ask(new Request.Watch(root, relative, reply));
    while (true) {
      try {
        return reply.get(1, TimeUnit.SECONDS);
      } catch (TimeoutException e) {
        Thread running = reader;
        if (stopping || running == null || !running.isAlive()) {
          return WatchReply.UNWATCHED;
        }
      } catch (ExecutionException e) {
        throw new IllegalStateException("the inotify reader failed to answer", e.getCause());
      }
    }
  }

  /** Sends a request to the reader; without one (polling only) there is nothing to ask. */
  private void ask(Request request) {
    Inotify instance = inotify;
    if (instance != null) {
      requests.add(request);
      instance.wakeUp();
    }
  }

  // ---- the messages between the two --------------------------------------------------------------

  /** What the scanner asks of the reader. */
  private sealed interface Request {
    /** Watch a directory (if it is not watched yet), and say which of its children are. */
    record Watch(RootSpec root, String relative, CompletableFuture<WatchReply> reply) implements Request {}

    /** A listing found these subdirectories: watched children not among them are gone. */
    record Prune(RootSpec root, String relative, Set<String> subdirectories) implements Request {}

    /** A directory is polled from now on: it and its subdirectories are no longer watched. */
    record Retire(RootSpec root, String relative) implements Request {}

    /** A root is held: stop watching the tree that went away. */
    record RetireRoot(RootSpec root) implements Request {}
  }

  /**
   * The reader's answer.
   *
   * @param watched the directory is watched
   * @param unwatched it is there but could not be watched: it is polled
   * @param children its subdirectories that are watched already
   */
  private record WatchReply(boolean watched, boolean unwatched, Set<String> children) {
    static final WatchReply MISSING = new WatchReply(false, false, Set.of());
    static final WatchReply UNWATCHED = new WatchReply(false, true, Set.of());
  }


  /** The first half of a directory's rename, waiting for its second. */
  private record PendingMove(Node<Integer> node, long deadline) {}
}
