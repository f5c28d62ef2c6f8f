package io.hashstream.producer.internal.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.hashstream.producer.WatchedRoot;
import io.hashstream.producer.Watching;
import io.hashstream.producer.internal.RootGuard;
import io.hashstream.producer.internal.RootSpec;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code --watch poll}: no watch at all, every directory listed again every poll interval. */
class PollingSourceTest extends ChangeSourceContract {
  private static final Duration INTERVAL = Duration.ofMillis(300);

  @Override
  ChangeSource create(List<RootSpec> roots, ChangeSink sink, RootGuard guard) {
    return ChangeSource.inotify(roots, sink, slow(), new Watching(Watching.Mode.POLL, INTERVAL), guard, metrics, failures);
  }

  /** Nothing queues events, so nothing overflows. */
  @Override
  int overflowingBurst() {
    return 0;
  }

  @Override
  boolean reportsEvents() {
    return false;
  }

  @Test
  void aChangeAnywhereIsListedWithinAnIntervalAndNothingIsWatched() throws Exception {
    Files.createDirectories(root.resolve("a/b"));
    start();
    Files.writeString(root.resolve("a/b/new"), "n");
    Files.createDirectories(root.resolve("a/b/c/d"));
    Files.writeString(root.resolve("a/b/c/d/deep"), "d");
    await().atMost(WAIT).until(() -> sink.listed().containsAll(List.of("a/b/new", "a/b/c/d/deep")));
    assertThat(sink.changed()).isEmpty();
    assertThat(registry.get("hashstream.producer.watched.directories").gauge().value()).isZero();
  }

  @Test
  void aRemovedDirectoryIsReportedAndNoLongerPolled() throws Exception {
    Files.createDirectories(root.resolve("going/sub"));
    start();
    Files.delete(root.resolve("going/sub"));
    Files.delete(root.resolve("going"));
    await().atMost(WAIT).until(() -> sink.changed().contains("going/sub") || sink.rootListings() > 1);
    sink.clear();
    await().atMost(WAIT).until(() -> sink.rootListings() >= 2);
    assertThat(sink.changed()).doesNotContain("going", "going/sub");
  }

  @Test
  void twoRootsArePolledApart(@org.junit.jupiter.api.io.TempDir java.nio.file.Path other) throws Exception {
    ChangeSource both =
        create(List.of(RootSpec.of(WatchedRoot.of("r", root)), RootSpec.of(WatchedRoot.of("o", other))), sink, RootGuard.inMemory(metrics));
    source = both;
    both.start();
    Files.writeString(other.resolve("in-other"), "o");
    Files.writeString(root.resolve("in-root"), "r");
    await().atMost(WAIT).until(() -> sink.listed().containsAll(List.of("in-other", "in-root")));
  }
}
