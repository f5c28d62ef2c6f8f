package io.hashstream.consumer.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** When a root is suspect, and for how long an empty one is held. */
class LiveRootTest {
  @TempDir Path directory;

  @Test
  void anEmptyRootThatNeverShowedAFileIsHeldForABoundedTimeThenTakenAsItIs() throws Exception {
    AtomicLong now = new AtomicLong();
    try (LiveRoot root = LiveRoot.open("r", directory, now::get)) {
      assertThat(root.notVisible()).isTrue();
      assertThat(root.suspect()).contains("empty");

      now.addAndGet(LiveRoot.EMPTY_HOLD.toNanos() - 1);
      assertThat(root.notVisible()).as("still within the hold").isTrue();

      now.addAndGet(2);
      assertThat(root.notVisible()).as("held long enough: answered from now on").isFalse();
      assertThat(root.suspect()).isNull();
      assertThat(root.notVisible()).isFalse();
    }
  }

  @Test
  void aRootThatShowedItsFilesIsNotSuspectWhenOneIsMissing() throws Exception {
    Files.writeString(directory.resolve("present"), "x");
    try (LiveRoot root = LiveRoot.open("r", directory)) {
      root.seen();
      assertThat(root.notVisible()).isFalse();
      assertThat(root.suspect()).isNull();
    }
  }

  @Test
  void aRootNoLongerTheDirectoryWhereItsFilesWereSeenIsSuspectWithoutABound() throws Exception {
    Path current = Files.createDirectories(directory.resolve("current"));
    AtomicLong now = new AtomicLong();
    try (LiveRoot root = LiveRoot.open("r", current, now::get)) {
      root.seen();
      Files.move(current, directory.resolve("previous"));
      Files.createDirectories(current);
      var _ = root.directory();
      assertThat(root.notVisible()).isTrue();
      assertThat(root.suspect()).contains("not the one where its files were seen");
      now.addAndGet(10 * LiveRoot.EMPTY_HOLD.toNanos());
      assertThat(root.notVisible()).isTrue();
    }
  }
}
