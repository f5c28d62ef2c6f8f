package io.hashstream.producer.internal.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.hashstream.producer.WatchedRoot;
import io.hashstream.producer.internal.Failures;
import io.hashstream.producer.internal.ProducerMetrics;
import io.hashstream.producer.internal.RootGuard;
import io.hashstream.producer.internal.RootSpec;
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
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The JDK watch service made recursive, with a sink that records what it hears. */
class WatchServiceSourceTest {
  private static final Duration WAIT = Duration.ofSeconds(30);

  @TempDir Path root;
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final Failures failures = new Failures();
  private final RecordingSink sink = new RecordingSink();
  private final ProducerMetrics metrics = new ProducerMetrics(registry);
  private ChangeSource source = ChangeSource.watchService(List.of(), sink, slow(), RootGuard.inMemory(metrics), metrics, failures);


  private static ChangeSource.Reconciliation slow() {
    return new ChangeSource.Reconciliation(Duration.ofHours(1), Duration.ofHours(1));
  }

  private void start() {
    source =
        ChangeSource.watchService(
            List.of(RootSpec.of(WatchedRoot.of("r", root))), sink, slow(), RootGuard.inMemory(metrics), metrics, failures);
    source.start();
    await().atMost(WAIT).until(source::initialScanDone);
  }

  @AfterEach
  void close() {
    source.close();
    assertThat(failures.failure()).isNull();
  }

  @Test
  void anOverflowMeansRescanTheDirectoryAndNothingIsLost() throws Exception {
    start();
    sink.blockNextChange();
    Files.writeString(root.resolve("trigger"), "the watcher thread is held in the sink after this");
    await().atMost(WAIT).until(sink::blocked);
    // The watcher cannot drain the key: the JDK keeps 512 events for it, then overflows.
    for (int i = 0; i < 2000; i++) {
      Files.createFile(root.resolve("f" + i));
    }
    sink.release();
    await().atMost(WAIT).until(() -> sink.seen().size() >= 2001);
    for (int i = 0; i < 2000; i++) {
      assertThat(sink.seen()).contains("f" + i);
    }
    assertThat(registry.counter("hashstream.producer.overflows").count()).isGreaterThanOrEqualTo(1);
    assertThat(sink.listed()).contains("f1999");
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
    await().atMost(WAIT).until(() -> sink.changed().contains("x0/a/b/c/later"));
  }

  @Test
  void aDirectoryMovedOutIsNoLongerWatched(@TempDir Path outside) throws Exception {
    Files.createDirectories(root.resolve("leaving/sub"));
    start();
    Files.move(root.resolve("leaving"), outside.resolve("left"));
    await().atMost(WAIT).until(() -> sink.changed().contains("leaving"));
    Files.writeString(outside.resolve("left/sub/after"), "not under the root any more");
    Files.writeString(root.resolve("marker"), "m");
    await().atMost(WAIT).until(() -> sink.changed().contains("marker"));
    assertThat(sink.seen()).noneMatch(path -> path.endsWith("after"));
  }

  @Test
  void aPeriodicReconciliationFindsWhatNoEventReported() throws Exception {
    start();
    Files.writeString(root.resolve("quiet"), "q");
    await().atMost(WAIT).until(() -> sink.changed().contains("quiet"));
    sink.clear();
    source.reconcile();
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
    await().atMost(WAIT).until(() -> sink.changed().contains("fine"));
    assertThat(sink.seen()).containsOnly("fine");
    assertThat(registry.counter("hashstream.producer.unpublishable.names").count()).isGreaterThanOrEqualTo(2);
  }

  /** Records paths; can hold the watcher thread inside a call, as a slow consumer would. */
  private static final class RecordingSink implements ChangeSink {
    private final Set<String> changed = ConcurrentHashMap.newKeySet();
    private final Set<String> listed = ConcurrentHashMap.newKeySet();
    private final AtomicBoolean blockNext = new AtomicBoolean();
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

    void clear() {
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
