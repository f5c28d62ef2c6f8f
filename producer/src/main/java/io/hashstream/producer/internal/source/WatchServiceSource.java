package io.hashstream.producer.internal.source;

import static java.nio.file.StandardWatchEventKinds.ENTRY_CREATE;
import static java.nio.file.StandardWatchEventKinds.ENTRY_DELETE;
import static java.nio.file.StandardWatchEventKinds.ENTRY_MODIFY;
import static java.nio.file.StandardWatchEventKinds.OVERFLOW;

import io.hashstream.producer.internal.Failures;
import io.hashstream.producer.internal.ProducerMetrics;
import io.hashstream.producer.internal.RootGuard;
import io.hashstream.producer.internal.RootSpec;
import io.hashstream.producer.internal.source.WatchTree.Node;
import io.hashstream.schemas.FileNames;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The JDK {@code WatchService} as a change source, made recursive by hand.
 *
 * <p>One thread, {@code hashstream-watcher}, owns the watch service, the tree of watched directories
 * (with the key → directory map) and the scan work list; nothing else touches them. Its loop
 * drains the keys that have events, then lists directories from the work list for a short slice,
 * so watching goes on while a scan runs.
 *
 * <ul>
 *   <li>A directory is registered before it is listed, so a file created in it is either listed or
 *       reported. A new directory is registered and then scanned, with its subdirectories.
 *   <li>{@code OVERFLOW} on a key means "rescan this directory". The JDK keeps at most 512 pending
 *       events per key, so under a burst this is the normal path.
 *   <li>A directory deleted or moved out: its watched subtree is cancelled, and the sink hears of
 *       the path (the tracker retires the files it knew under it).
 *   <li>The OS's word is not enough (events are lost without an overflow): every root is scanned
 *       again periodically and soon after any overflow or burst.
 * </ul>
 */
final class WatchServiceSource implements ChangeSource {
  /** How long the watcher waits for events while a scan waits for the tracker. */
  private static final long SATURATED_POLL_MILLIS = 20;
  private static final Logger LOG = LoggerFactory.getLogger(WatchServiceSource.class);
  /** Events of one key in one take at which a burst is assumed (the JDK caps a key at 512). */
  private static final int BURST_EVENTS = 256;
  /** How long one turn of the loop lists directories before it looks at the keys again. */
  private static final long SCAN_SLICE_NANOS = TimeUnit.MILLISECONDS.toNanos(50);
  private static final long IDLE_POLL_MILLIS = 100;
  private static final int MAX_KEYS_PER_TURN = 512;
  /** How often every root's identity is checked: a lazy unmount sends no event at all. */
  private static final long ROOT_CHECK_NANOS = TimeUnit.SECONDS.toNanos(2);

  private final List<RootSpec> roots;
  private final ChangeSink sink;
  private final Reconciliation reconciliation;
  private final RootGuard guard;
  private final ProducerMetrics metrics;
  private final Failures failures;
  private final UnpublishableNames unpublishable;
  private final AtomicBoolean reconcileRequested = new AtomicBoolean();
  private final AtomicBoolean initialScanDone = new AtomicBoolean();
  private volatile boolean stopping;
  private @Nullable Thread thread;
  private @Nullable WatchService watchService;

  // Owned by the watcher thread.
  private final WatchTree<WatchKey> tree;
  private final ScanQueue work = new ScanQueue();
  /** Closed by the watcher thread when it ends, or by {@link #close} if it never started. */
  private final DirectoryListing listing = DirectoryListing.forThisPlatform();
  private long nextReconcileNanos;
  private long nextRootCheckNanos;
  private long burstStartNanos;
  private long burstReconcileNanos;
  private long scanStartNanos;
  private boolean watchLimitReported;

  WatchServiceSource(
      List<RootSpec> roots,
      ChangeSink sink,
      Reconciliation reconciliation,
      RootGuard guard,
      ProducerMetrics metrics,
      Failures failures) {
    this.roots = List.copyOf(roots);
    this.sink = sink;
    this.reconciliation = reconciliation;
    this.guard = guard;
    this.metrics = metrics;
    this.failures = failures;
    this.unpublishable = new UnpublishableNames(metrics);
    this.tree = new WatchTree<>(WatchKey::cancel, metrics::watchedDirectories);
  }

  @Override
  public synchronized void start() {
    if (thread != null) {
      throw new IllegalStateException("already started");
    }
    try {
      watchService = roots.getFirst().directory().getFileSystem().newWatchService();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create a watch service: " + e.getMessage(), e);
    }
    thread = Thread.ofPlatform().name("hashstream-watcher").daemon().start(this::run);
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
    Thread running;
    WatchService service;
    synchronized (this) {
      running = thread;
      service = watchService;
    }
    if (running == null) {
      listing.close();
      return;
    }
    try {
      running.join(TimeUnit.SECONDS.toMillis(10));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (service != null) {
      try {
        service.close();
      } catch (IOException e) {
        LOG.warn("closing the watch service failed: {}", e.toString());
      }
    }
  }

  private WatchService service() {
    WatchService service = watchService;
    if (service == null) {
      throw new IllegalStateException("not started");
    }
    return service;
  }

  private void run() {
    try {
      loop();
    } catch (ClosedWatchServiceException | InterruptedException e) {
      if (!stopping) {
        failures.fail("watcher", e);
      }
    } catch (RuntimeException | Error e) {
      failures.fail("watcher", e);
    } finally {
      listing.close();
    }
  }

  private void loop() throws InterruptedException {
    WatchService service = service();
    scanStartNanos = System.nanoTime();
    nextReconcileNanos = scanStartNanos + reconciliation.interval().toNanos();
    nextRootCheckNanos = scanStartNanos + ROOT_CHECK_NANOS;
    for (RootSpec root : roots) {
      work.add(new ScanQueue.Task(root, "", true));
    }
    LOG.debug("watching {} root(s); initial scan started", roots.size());
    while (!stopping) {
      reconcileIfDue();
      checkRootsIfDue();
      // A scan waits while the tracker holds too many changes: its pending set stays bounded.
      boolean scanning = !work.isEmpty() && !sink.saturated();
      WatchKey key;
      if (scanning) {
        key = service.poll();
      } else {
        key = service.poll(work.isEmpty() ? pollMillis() : SATURATED_POLL_MILLIS, TimeUnit.MILLISECONDS);
      }
      for (int taken = 0; key != null && taken < MAX_KEYS_PER_TURN; taken++) {
        handle(key);
        key = taken + 1 < MAX_KEYS_PER_TURN ? service.poll() : null;
      }
      long sliceEnd = System.nanoTime() + SCAN_SLICE_NANOS;
      while (scanning && !work.isEmpty() && !stopping && System.nanoTime() - sliceEnd < 0 && !sink.saturated()) {
        scan(work.take());
      }
      if (work.isEmpty() && !initialScanDone.get()) {
        initialScanDone.set(true);
        long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - scanStartNanos);
        // The progress listener reports it to the user; this adds the watch count, for debugging.
        LOG.debug(
            "initial scan done in {} ms: {} files, {} directories watched",
            millis,
            metrics.scannedFiles(),
            tree.size());
      }
    }
  }

  private long pollMillis() {
    long now = System.nanoTime();
    long next = nextReconcileNanos;
    if (burstReconcileNanos != 0 && burstReconcileNanos - next < 0) {
      next = burstReconcileNanos;
    }
    long millis = TimeUnit.NANOSECONDS.toMillis(next - now);
    return Math.clamp(millis, 1, IDLE_POLL_MILLIS);
  }

  private void reconcileIfDue() {
    long now = System.nanoTime();
    boolean periodic = now - nextReconcileNanos >= 0;
    boolean afterBurst = burstReconcileNanos != 0 && now - burstReconcileNanos >= 0;
    if (!reconcileRequested.getAndSet(false) && !periodic && !afterBurst) {
      return;
    }
    LOG.info(
        "reconciliation: scanning every root again ({})",
        afterBurst ? "after a burst or an overflow" : periodic ? "periodic" : "requested");
    metrics.reconciliation();
    nextReconcileNanos = now + reconciliation.interval().toNanos();
    burstReconcileNanos = 0;
    burstStartNanos = 0;
    for (RootSpec root : roots) {
      work.add(new ScanQueue.Task(root, "", true));
    }
  }

  /** Every root's identity, every {@link #ROOT_CHECK_NANOS}: held ones stop, returning ones are scanned. */
  private void checkRootsIfDue() {
    long now = System.nanoTime();
    if (now - nextRootCheckNanos < 0) {
      return;
    }
    nextRootCheckNanos = now + ROOT_CHECK_NANOS;
    for (RootSpec root : roots) {
      checkRoot(root);
    }
  }

  /** Checks a root: stops watching it while it is held, scans it all when it is back; true if held. */
  private boolean checkRoot(RootSpec root) {
    return switch (guard.check(root)) {
      case HELD -> {
        Node<WatchKey> top = tree.top(root.name());
        if (top != null) {
          // What is watched is the tree that went away (a lazy unmount keeps it alive).
          tree.retire(top);
        }
        yield true;
      }
      case RESUMED -> {
        work.add(new ScanQueue.Task(root, "", true));
        yield false;
      }
      case HEALTHY -> false;
    };
  }

  /** An overflow or a burst: schedule a reconciliation once events have been quiet a while. */
  private void noteBurst() {
    long now = System.nanoTime();
    long quiet = reconciliation.afterBurst().toNanos();
    if (burstStartNanos == 0) {
      burstStartNanos = now;
    }
    // Pushed back while the burst goes on, but not forever.
    long latest = burstStartNanos + Math.max(10 * quiet, TimeUnit.SECONDS.toNanos(30));
    long wanted = now + quiet;
    burstReconcileNanos = wanted - latest > 0 ? latest : wanted;
  }

  // ---- events ---------------------------------------------------------------------------------

  private void handle(WatchKey key) {
    Node<WatchKey> directory = tree.node(key);
    try {
      List<WatchEvent<?>> events = key.pollEvents();
      if (directory == null) {
        return;
      }
      if (events.size() >= BURST_EVENTS) {
        noteBurst();
      }
      for (WatchEvent<?> event : events) {
        handle(directory, event);
      }
    } catch (RuntimeException e) {
      LOG.warn("events of a watched directory could not be handled; rescanning it", e);
      if (directory != null) {
        work.add(new ScanQueue.Task(directory.root, directory.relative, false));
      }
    } finally {
      if (directory == null) {
        key.cancel();
      } else if (!key.reset() && tree.node(key) == directory) {
        gone(directory);
      }
    }
  }

  private void handle(Node<WatchKey> directory, WatchEvent<?> event) {
    WatchEvent.Kind<?> kind = event.kind();
    if (kind.equals(OVERFLOW)) {
      metrics.overflow();
      metrics.rescanAfterOverflow();
      noteBurst();
      LOG.debug("overflow in {}: rescanning it", directory.root.resolve(directory.relative));
      work.add(new ScanQueue.Task(directory.root, directory.relative, false));
      return;
    }
    if (!(event.context() instanceof Path name)) {
      return;
    }
    if (!FileNames.isRepresentable(name)) {
      unpublishable.found(directory.root, directory.relative, 1);
      return;
    }
    RootSpec root = directory.root;
    String relative = RootSpec.child(directory.relative, name.toString());
    if (kind.equals(ENTRY_CREATE)) {
      Path path = directory.root.resolve(directory.relative).resolve(name);
      if (Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS)) {
        if (root.filter().acceptsDirectory(relative)) {
          metrics.scanOfNewDirectory();
          work.add(new ScanQueue.Task(root, relative, false));
        }
        // A file that was at this path is gone.
        sink.pathChanged(root.name(), relative);
      } else if (root.filter().acceptsFile(relative)) {
        sink.pathChanged(root.name(), relative);
      }
    } else if (kind.equals(ENTRY_DELETE)) {
      Node<WatchKey> child = directory.children.get(name.toString());
      if (child != null) {
        tree.retire(child);
      }
      sink.pathChanged(root.name(), relative);
    } else if (kind.equals(ENTRY_MODIFY)) {
      if (!directory.children.containsKey(name.toString()) && root.filter().acceptsFile(relative)) {
        sink.pathChanged(root.name(), relative);
      }
    }
  }

  /** A watched directory's key is no longer valid: the directory is gone or unmounted. */
  private void gone(Node<WatchKey> directory) {
    tree.retire(directory);
    if (checkRoot(directory.root)) {
      // Its root is not the tree any more (unmounted): its files are not gone, they are away.
      return;
    }
    if (Files.isDirectory(directory.root.resolve(directory.relative), LinkOption.NOFOLLOW_LINKS)
        && directory.root.filter().acceptsDirectory(directory.relative)) {
      // Replaced by another directory of the same name: watch and scan the new one.
      work.add(new ScanQueue.Task(directory.root, directory.relative, false));
    }
    if (directory.relative.isEmpty()) {
      LOG.error(
          "the directory of root '{}' ({}) is gone: nothing is published for it until it is back"
              + " (checked at every reconciliation)",
          directory.root.name(),
          directory.root.directory());
    } else {
      sink.pathChanged(directory.root.name(), directory.relative);
    }
  }

  // ---- watching -------------------------------------------------------------------------------

  /**
   * Watches {@code relative} (if it is not watched yet) and returns its node; null if the
   * directory is gone or cannot be watched.
   */
  private @Nullable Node<WatchKey> watch(RootSpec root, String relative) {
    WatchTree.Place.Vacant<WatchKey> vacant;
    switch (tree.place(root, relative)) {
      case WatchTree.Place.Existing<WatchKey>(Node<WatchKey> node) -> {
        return node;
      }
      case WatchTree.Place.Orphan<WatchKey>() -> {
        return null;
      }
      case WatchTree.Place.Vacant<WatchKey> place -> vacant = place;
    }
    Path path = root.resolve(relative);
    WatchKey key;
    try {
      key = path.register(service(), ENTRY_CREATE, ENTRY_DELETE, ENTRY_MODIFY);
    } catch (NoSuchFileException | NotDirectoryException e) {
      return null;
    } catch (IOException e) {
      metrics.watchFailed();
      if (!watchLimitReported) {
        watchLimitReported = true;
        LOG.error(
            "cannot watch {}: {}. Its changes are found by reconciliations only. If the inotify"
                + " watch limit is reached, raise it: sysctl fs.inotify.max_user_watches=<more>"
                + " (further failures are logged at DEBUG)",
            path,
            e.getMessage());
      } else {
        LOG.debug("cannot watch {}: {}", path, e.getMessage());
      }
      return null;
    }
    return tree.add(root, vacant, key);
  }

  // ---- scanning -------------------------------------------------------------------------------


  /**
   * Watches a directory, then lists it: reports its files and subdirectories, and queues the
   * subdirectories that need a scan of their own (all of them in a deep scan; the ones not watched
   * yet otherwise).
   */
  private void scan(ScanQueue.Task task) {
    RootSpec root = task.root();
    String relative = task.relative();
    if (relative.isEmpty() ? checkRoot(root) : guard.held(root.name())) {
      // Nothing of a held root is listed: a listing of an empty mountpoint would be deletes.
      return;
    }
    Path directory = root.resolve(relative);
    Node<WatchKey> node = watch(root, relative);
    if (node == null && relative.isEmpty() && !Files.isDirectory(directory)) {
      LOG.error("the directory of root '{}' ({}) is missing; nothing is published for it", root.name(), directory);
      return;
    }
    List<ChangeSink.Listed> files;
    List<String> subdirectories;
    switch (listing.list(root, relative)) {
      case DirectoryListing.Result.Missing() -> {
        if (node != null) {
          tree.retire(node);
        }
        if (!relative.isEmpty()) {
          sink.pathChanged(root.name(), relative);
        }
        return;
      }
      case DirectoryListing.Result.Unreadable(IOException e) -> {
        LOG.warn("cannot list {}: {}; what was known of it is kept", directory, e.toString());
        return;
      }
      case DirectoryListing.Result.Listed listed -> {
        files = listed.files();
        subdirectories = listed.subdirectories();
        if (listed.unpublishable() > 0) {
          unpublishable.found(root, relative, listed.unpublishable());
        }
      }
    }
    for (String name : subdirectories) {
      if (task.deep() || node == null || !node.children.containsKey(name)) {
        work.add(new ScanQueue.Task(root, RootSpec.child(relative, name), task.deep()));
      }
    }
    if (node != null && !node.children.isEmpty()) {
      tree.retireChildrenNotIn(node, Set.copyOf(subdirectories));
    }
    metrics.filesScanned(files.size());
    sink.directoryListed(root.name(), relative, files, subdirectories);
  }

}
