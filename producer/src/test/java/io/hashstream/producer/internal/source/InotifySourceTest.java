package io.hashstream.producer.internal.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.hashstream.producer.Watching;
import io.hashstream.producer.internal.RootGuard;
import io.hashstream.producer.internal.RootSpec;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Linux inotify, made recursive: the contract, and what only inotify tells. */
class InotifySourceTest extends ChangeSourceContract {
  @BeforeAll
  static void inotifyIsThere() {
    // The build's JVMs run on Linux with native access: the source must be available, not skipped.
    assertThat(ChangeSource.inotifyUnavailable()).isEmpty();
  }

  @Override
  ChangeSource create(List<RootSpec> roots, ChangeSink sink, RootGuard guard) {
    return ChangeSource.inotify(roots, sink, slow(), new Watching(Watching.Mode.AUTO, Duration.ofSeconds(1)), guard, metrics, failures);
  }

  /** More files than the kernel queues events (16,384 by default), whatever it merges. */
  @Override
  int overflowingBurst() {
    return queuedEventsLimit() + 4000;
  }

  private static int queuedEventsLimit() {
    try {
      // Files.readString reads one byte of a /proc/sys file (its size is 0); lines are read whole.
      return Integer.parseInt(Files.readAllLines(Path.of("/proc/sys/fs/inotify/max_queued_events")).getFirst().strip());
    } catch (IOException | NumberFormatException e) {
      return 16384;
    }
  }

  @Test
  void aDirectoryRenamedInsideTheRootIsWatchedUnderItsNewPath() throws Exception {
    Files.createDirectories(root.resolve("before/sub"));
    Files.writeString(root.resolve("before/sub/file"), "f");
    start();
    Files.move(root.resolve("before"), root.resolve("after"));
    await().atMost(WAIT).until(() -> sink.changed().contains("before") && sink.listed().contains("after/sub/file"));
    sink.clear();
    Files.writeString(root.resolve("after/sub/later"), "l");
    await().atMost(WAIT).until(() -> sink.changed().contains("after/sub/later"));
    assertThat(sink.seen()).noneMatch(path -> path.startsWith("before/"));
  }

  @Test
  void aDirectoryMovedInFromOutsideIsWatchedAndScannedWhole(@TempDir Path outside) throws Exception {
    Files.createDirectories(outside.resolve("arriving/a/b"));
    Files.writeString(outside.resolve("arriving/a/b/deep"), "d");
    start();
    Files.move(outside.resolve("arriving"), root.resolve("arrived"));
    await().atMost(WAIT).until(() -> sink.listed().contains("arrived/a/b/deep"));
    Files.writeString(root.resolve("arrived/a/b/later"), "l");
    await().atMost(WAIT).until(() -> sink.changed().contains("arrived/a/b/later"));
  }

  @Test
  void bothPathsOfARenamedFileAreReported() throws Exception {
    Files.writeString(root.resolve("old-name"), "content");
    start();
    Files.move(root.resolve("old-name"), root.resolve("new-name"));
    await().atMost(WAIT).until(() -> sink.changed().containsAll(List.of("old-name", "new-name")));
  }

  @Test
  void aWriteToAFileHeldOpenIsReportedBeforeItCloses() throws Exception {
    start();
    try (FileChannel open = FileChannel.open(root.resolve("growing"), StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
      await().atMost(WAIT).until(() -> sink.changed().contains("growing"));
      sink.clear();
      open.write(ByteBuffer.wrap("more".getBytes(StandardCharsets.UTF_8)));
      await().atMost(WAIT).until(() -> sink.changed().contains("growing"));
    }
  }

  @Test
  void readingTheTreeCausesNoEvents() throws Exception {
    Files.writeString(root.resolve("read-me"), "content");
    start();
    sink.clear();
    for (int i = 0; i < 20; i++) {
      assertThat(Files.readString(root.resolve("read-me"))).isEqualTo("content");
    }
    Files.writeString(root.resolve("marker"), "m");
    await().atMost(WAIT).until(() -> sink.changed().contains("marker"));
    assertThat(sink.changed()).containsOnly("marker");
  }

  @Test
  void aDeletedDirectoryIsRetiredAndItsPathReported() throws Exception {
    Files.createDirectories(root.resolve("doomed/inner"));
    start();
    long watched = watchedDirectories();
    Files.delete(root.resolve("doomed/inner"));
    Files.delete(root.resolve("doomed"));
    await().atMost(WAIT).until(() -> sink.changed().containsAll(List.of("doomed", "doomed/inner")));
    await().atMost(WAIT).until(() -> watchedDirectories() == watched - 2);
  }

  private long watchedDirectories() {
    return (long) registry.get("hashstream.producer.watched.directories").gauge().value();
  }
}
