package io.hashstream.producer.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.hashstream.producer.Timing;
import io.hashstream.producer.WatchedRoot;
import io.hashstream.producer.internal.source.ChangeSink;
import io.hashstream.producer.internal.store.IndexJournal;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A scan's listing can reach the tracker after the event of a change made since it was taken (the
 * scanner and the inotify reader post from two threads). The listing's state is then older than
 * what the tracker knows: it must be looked at again before it is published.
 */
class TrackerStaleListingTest {
  @TempDir Path root;

  @Test
  void aListingTakenBeforeADeleteDoesNotPublishTheDeletedFile() throws Exception {
    Path file = Files.writeString(root.resolve("f"), "content");
    // Quiet: last modified and changed long before the settle window.
    Files.setLastModifiedTime(file, FileTime.from(Instant.now().minusSeconds(3600)));
    FileState seen = Objects.requireNonNull(Stat.lstat(file));
    ProducerMetrics metrics = new ProducerMetrics(new SimpleMeterRegistry());
    Failures failures = new Failures();
    List<Outgoing> sent = new CopyOnWriteArrayList<>();
    Tracker tracker =
        new Tracker(
            List.of(RootSpec.of(WatchedRoot.of("r", root))),
            Map.of(),
            IndexJournal.NONE,
            Timing.DEFAULT.withSettle(Duration.ofMillis(50)),
            100,
            RootGuard.inMemory(metrics),
            0,
            metrics,
            failures);
    tracker.start(sent::add, () -> {});
    try {
      // The ctime of a file changed an hour ago would be old too: wait until it is out of the window.
      await().atMost(Duration.ofSeconds(10)).until(() -> Instant.now().isAfter(Objects.requireNonNull(seen.changed()).plusMillis(200)));
      Files.delete(file);
      // The delete's event first, then the listing the scanner took before it.
      tracker.pathChanged("r", "f");
      tracker.directoryListed("r", "", List.of(new ChangeSink.Listed("f", seen)), List.of());
      Files.writeString(root.resolve("marker"), "m");
      tracker.pathChanged("r", "marker");
      await().atMost(Duration.ofSeconds(10)).until(() -> sent.stream().anyMatch(out -> out.ref().path().equals("marker")));
      assertThat(sent).noneMatch(out -> out.ref().path().equals("f") && out.state() != null);
      assertThat(failures.failure()).isNull();
    } finally {
      tracker.close();
    }
  }
}
