package io.hashstream.consumer.internal;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemLoopException;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Hashes the file an event names, as it is now, and says what it came to.
 *
 * <p>The file's state is taken before and after the read: if it changed, the read is repeated a few
 * times, then the file is reported {@code unstable}. If the file system shows an older state than
 * the event did (a network file system that has not caught up), the read waits with backoff, then
 * reports {@code unstable}. The type is checked without following links before the file is opened,
 * and the open does not follow a final symbolic link.
 */
public final class FileHashing {
  private static final int MAX_READS = 3;
  private static final Duration[] STALE_BACKOFF = {
    Duration.ofMillis(100), Duration.ofMillis(300), Duration.ofMillis(900), Duration.ofMillis(2700)
  };

  private final Sha256Hasher hasher = new Sha256Hasher();

  /** What the event saw of the file, where it saw it. */
  public record Expected(@Nullable Long size, @Nullable Instant modified) {
    /** Whether {@code seen} is older than what the event saw: this view has not caught up. */
    boolean olderThanEvent(FileState seen) {
      if (modified == null) {
        return false;
      }
      // Microseconds: a network file system may keep coarser times than the producer's disk.
      Instant expected = modified.truncatedTo(ChronoUnit.MICROS);
      Instant actual = seen.modified().truncatedTo(ChronoUnit.MICROS);
      if (actual.isBefore(expected)) {
        return true;
      }
      return actual.equals(expected) && size != null && seen.size() != size;
    }
  }

  /** Hashes {@code file}, which the caller resolved safely under its root. */
  public HashOutcome hash(Path file, Expected expected) throws InterruptedException {
    int staleWaits = 0;
    for (int read = 0; read < MAX_READS; ) {
      Optional<FileState> before;
      try {
        before = FileStats.lstat(file);
      } catch (IOException e) {
        return new HashOutcome.Unreadable(describe(e), null);
      }
      if (before.isEmpty()) {
        return new HashOutcome.Gone();
      }
      FileState state = before.get();
      if (state.kind() != FileKind.REGULAR) {
        return new HashOutcome.NotRegular(state);
      }
      if (expected.olderThanEvent(state)) {
        if (staleWaits == STALE_BACKOFF.length) {
          return new HashOutcome.Unstable(
              "the file system still shows an older state than the event (modified "
                  + state.modified()
                  + ", size "
                  + state.size()
                  + ")",
              state);
        }
        Thread.sleep(STALE_BACKOFF[staleWaits++]);
        continue;
      }
      read++;
      byte[] digest;
      try (FileChannel channel =
          FileChannel.open(file, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)) {
        digest = hasher.hash(channel);
      } catch (NoSuchFileException e) {
        return new HashOutcome.Gone();
      } catch (FileSystemLoopException e) {
        // O_NOFOLLOW met a symbolic link swapped in after the check: look again.
        continue;
      } catch (AccessDeniedException e) {
        return new HashOutcome.Unreadable("permission denied", state);
      } catch (IOException e) {
        return new HashOutcome.Unreadable(describe(e), state);
      }
      Optional<FileState> after;
      try {
        after = FileStats.lstat(file);
      } catch (IOException e) {
        return new HashOutcome.Unreadable(describe(e), state);
      }
      if (after.isEmpty()) {
        return new HashOutcome.Gone();
      }
      if (after.get().sameAs(state)) {
        return new HashOutcome.Hashed(digest, state);
      }
    }
    return new HashOutcome.Unstable(
        "the file kept changing while it was read (" + MAX_READS + " reads)", null);
  }

  private static String describe(IOException e) {
    String message = e.getMessage();
    return message == null ? e.getClass().getSimpleName() : message;
  }
}
