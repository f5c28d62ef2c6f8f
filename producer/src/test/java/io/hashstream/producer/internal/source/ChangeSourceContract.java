package io.hashstream.producer.internal.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.hashstream.producer.WatchedRoot;
import io.hashstream.producer.internal.Failures;
import io.hashstream.producer.internal.ProducerMetrics;
import io.hashstream.producer.internal.RootGuard;
import io.hashstream.producer.internal.RootSpec;
import io.hashstream.testsupport.LoopVolume;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What every change source promises, against real trees, with a sink that records what it hears.
 * Each source's test class extends this one.
 */
abstract class ChangeSourceContract {
  static final Duration WAIT = Duration.ofSeconds(30);

  @TempDir Path root;
  final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  final Failures failures = new Failures();
  final RecordingSink sink = new RecordingSink();
  final ProducerMetrics metrics = new ProducerMetrics(registry);
  @Nullable ChangeSource source;

  /** The source under test, not started. */
  abstract ChangeSource create(List<RootSpec> roots, ChangeSink sink, RootGuard guard);

  /** Files created while the source cannot read that certainly overflow its queue; 0 if it has none. */
  abstract int overflowingBurst();

  /** Whether the source reports changes as events ({@code pathChanged}) or by listing only. */
  boolean reportsEvents() {
    return true;
  }

  /** What the source has told of: its events, or for a source that only lists, its listings too. */
  Set<String> reported() {
    return reportsEvents() ? sink.changed() : sink.seen();
  }

  static ChangeSource.Reconciliation slow() {
    return new ChangeSource.Reconciliation(Duration.ofHours(1), Duration.ofHours(1));
  }

  void start() {
    start(RootGuard.inMemory(metrics));
  }

  void start(RootGuard guard) {
    ChangeSource started = create(List.of(RootSpec.of(WatchedRoot.of("r", root))), sink, guard);
    source = started;
    started.start();
    await().atMost(WAIT).until(started::initialScanDone);
  }

  ChangeSource source() {
    ChangeSource started = source;
    if (started == null) {
      throw new IllegalStateException("not started");
    }
    return started;
  }

  @AfterEach
  void close() {
    if (source != null) {
      source.close();
    }
    assertThat(failures.failure()).isNull();
  }

  @Test
  void anOverflowMeansRescanTheDirectoryAndNothingIsLost() throws Exception {
    int burst = overflowingBurst();
    assumeTrue(burst > 0, "this source has no queue to overflow");
    start();
    sink.blockNextChange();
    Files.writeString(root.resolve("trigger"), "the watcher thread is held in the sink after this");
    await().atMost(WAIT).until(sink::blocked);
    // The watcher cannot read: the operating system's queue overflows.
    for (int i = 0; i < burst; i++) {
      Files.createFile(root.resolve("f" + i));
    }
    sink.release();
    await().atMost(WAIT).until(() -> sink.seen().size() >= burst + 1);
    Set<String> seen = sink.seen();
    for (int i = 0; i < burst; i++) {
      assertThat(seen).contains("f" + i);
    }
    assertThat(registry.counter("hashstream.producer.overflows").count()).isGreaterThanOrEqualTo(1);
    assertThat(sink.listed()).contains("f" + (burst - 1));
  }

  @Test
  void aNewDirectoryChainIsWatchedThenScannedSoFilesCreatedAtOnceAreFound() throws Exception {
    start();
    for (int round = 0; round < 20; round++) {
      Path c = Files.createDirectories(root.resolve("x" + round + "/a/b/c"));
      Files.writeString(root.resolve("x" + round + "/a/in-a"), "a");
      Files.writeString(root.resolve("x" + round + "/a/b/in-b"), "b");
      Files.writeString(c.resolve("in-c"), "c");
    }
    await()
        .atMost(WAIT)
        .untilAsserted(() -> {
          for (int round = 0; round < 20; round++) {
            assertThat(sink.seen())
                .contains("x" + round + "/a/in-a", "x" + round + "/a/b/in-b", "x" + round + "/a/b/c/in-c");
          }
        });
    // Later files in the deepest directory are reported by its own watch.
    Files.writeString(root.resolve("x0/a/b/c/later"), "l");
    await().atMost(WAIT).until(() -> reported().contains("x0/a/b/c/later"));
  }

  @Test
  void aDirectoryMovedOutIsNoLongerWatched(@TempDir Path outside) throws Exception {
    Files.createDirectories(root.resolve("leaving/sub"));
    start();
    Files.move(root.resolve("leaving"), outside.resolve("left"));
    await().atMost(WAIT).until(() -> reported().contains("leaving"));
    Files.writeString(outside.resolve("left/sub/after"), "not under the root any more");
    Files.writeString(root.resolve("marker"), "m");
    await().atMost(WAIT).until(() -> reported().contains("marker"));
    assertThat(sink.seen()).noneMatch(path -> path.endsWith("after"));
  }

  @Test
  void aPeriodicReconciliationFindsWhatNoEventReported() throws Exception {
    start();
    Files.writeString(root.resolve("quiet"), "q");
    await().atMost(WAIT).until(() -> reported().contains("quiet"));
    sink.clear();
    source().reconcile();
    await().atMost(WAIT).until(() -> sink.listed().contains("quiet"));
    await()
        .atMost(WAIT)
        .until(() -> registry.counter("hashstream.producer.rescans", "reason", "reconciliation").count() >= 1);
  }

  @Test
  void aNameThatIsNotUtf8IsCountedAndNeverReported() throws Exception {
    // Java cannot make such a name under a UTF-8 locale; the shell can.
    Process touch =
        new ProcessBuilder("sh", "-c", "touch \"$(printf 'scanned-\\377')\"")
            .directory(root.toFile())
            .start();
    assertThat(touch.waitFor(10, TimeUnit.SECONDS)).isTrue();
    assertThat(touch.exitValue()).isZero();
    start();
    Process watched =
        new ProcessBuilder("sh", "-c", "touch \"$(printf 'watched-\\377')\" fine")
            .directory(root.toFile())
            .start();
    assertThat(watched.waitFor(10, TimeUnit.SECONDS)).isTrue();
    await().atMost(WAIT).until(() -> reported().contains("fine"));
    assertThat(sink.seen()).containsOnly("fine");
    assertThat(registry.counter("hashstream.producer.unpublishable.names").count()).isGreaterThanOrEqualTo(2);
  }

  @Test
  void anUnmountedRootIsHeldAndItsEmptyMountpointNeverListed(@TempDir Path images) throws Exception {
    LoopVolume.assumeRoot();
    try (LoopVolume volume = LoopVolume.create(images.resolve("volume.img"), 16)) {
      volume.mount(root);
      Files.createDirectories(root.resolve("sub/deeper"));
      Files.writeString(root.resolve("top"), "t");
      Files.writeString(root.resolve("sub/deeper/file"), "f");
      RootGuard guard = RootGuard.inMemory(metrics);
      start(guard);
      assertThat(sink.listed()).contains("top", "sub/deeper/file");
      sink.clear();
      volume.unmount();
      await().atMost(WAIT).until(() -> guard.held("r"));
      // Its files are away, not deleted: the empty mountpoint is never reported as the root.
      Files.writeString(root.resolve("on-the-mountpoint"), "m");
      source().reconcile();
      await().atMost(WAIT).until(() -> registry.counter("hashstream.producer.rescans", "reason", "reconciliation").count() >= 1);
      assertThat(sink.rootListings()).isZero();
      assertThat(sink.seen()).doesNotContain("on-the-mountpoint", "top");
      Files.delete(root.resolve("on-the-mountpoint"));
      volume.mount(root);
      await().atMost(WAIT).until(() -> !guard.held("r"));
      await().atMost(WAIT).until(() -> sink.listed().contains("sub/deeper/file"));
      Files.writeString(root.resolve("sub/deeper/after"), "a");
      await().atMost(WAIT).until(() -> reported().contains("sub/deeper/after"));
    }
  }

  /** Records paths; can hold the watcher thread inside a call, as a slow consumer would. */
  static final class RecordingSink implements ChangeSink {
    private final Set<String> changed = ConcurrentHashMap.newKeySet();
    private final Set<String> listed = ConcurrentHashMap.newKeySet();
    private final AtomicBoolean blockNext = new AtomicBoolean();
    private final AtomicInteger rootListings = new AtomicInteger();
    private final AtomicBoolean blocked = new AtomicBoolean();
    private final CountDownLatch release = new CountDownLatch(1);

    @Override
    public void pathChanged(String root, String path) {
      changed.add(path);
      if (blockNext.getAndSet(false)) {
        blocked.set(true);
        try {
          if (!release.await(60, TimeUnit.SECONDS)) {
            throw new IllegalStateException("never released");
          }
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
    }

    @Override
    public void directoryListed(String root, String directory, List<Listed> files, List<String> subdirectories) {
      if (directory.isEmpty()) {
        rootListings.incrementAndGet();
      }
      for (Listed file : files) {
        listed.add(directory.isEmpty() ? file.name() : directory + "/" + file.name());
      }
    }

    void blockNextChange() {
      blockNext.set(true);
    }

    boolean blocked() {
      return blocked.get();
    }

    void release() {
      release.countDown();
    }

    /** Listings of the root's own directory since the last {@link #clear}. */
    int rootListings() {
      return rootListings.get();
    }

    void clear() {
      rootListings.set(0);
      changed.clear();
      listed.clear();
    }

    Set<String> changed() {
      return Set.copyOf(changed);
    }

    Set<String> listed() {
      return Set.copyOf(listed);
    }

    Set<String> seen() {
      Set<String> all = new java.util.HashSet<>(changed);
      all.addAll(listed);
      return all;
    }
  }

}
