package io.hashstream.consumer.internal;

import io.hashstream.nativeio.StatTime;

import io.hashstream.nativeio.FileState;

import io.hashstream.nativeio.FileKind;

import io.hashstream.consumer.HashAlgorithm;
import io.hashstream.nativeio.FileOpener;
import io.hashstream.nativeio.OpenFile;
import io.hashstream.nativeio.OpenOutcome;
import io.hashstream.nativeio.RootDirectory;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Hashes the file an event names, as it is now, and says what it came to.
 *
 * <p>The file is opened by a {@link FileOpener}: on Linux race-free ({@code openat2} beneath the
 * root, no symbolic link crossed, only a regular file opened for reading), elsewhere through the
 * checked Java path. Its state is taken when opened and again after the read: if it changed, the
 * read is repeated a few times, then the file is reported {@code unstable}. If the file system shows
 * an older state than the event did (a network file system that has not caught up), the read waits
 * with backoff, then reports {@code unstable}; so does a path where this host sees nothing although
 * the event saw a file: not visible is not deleted. On a local file system neither is waited for
 * ({@link RootView#viewMayLag}): the file changed or went after its event. A directory, or a path beneath a directory that
 * became a symbolic link, is not a file of the tree: gone.
 *
 * <p>One per hashing thread: it owns its opener (with its read buffer) and its digests.
 */
public final class FileHashing implements AutoCloseable {
  private static final int MAX_READS = 3;
  private static final Duration[] STALE_BACKOFF = {
    Duration.ofMillis(100), Duration.ofMillis(300), Duration.ofMillis(900), Duration.ofMillis(2700)
  };

  private final FileHasher hasher;
  private final FileOpener opener;

  /** SHA-256 hashing. */
  public FileHashing(FileOpener opener) {
    this.opener = opener;
    this.hasher = new FileHasher();
  }

  /** Hashing that shows every read buffer to {@code watch}, which may cancel the file's hash. */
  public FileHashing(FileOpener opener, ReadWatch watch) {
    this(opener, List.of(HashAlgorithm.FIRST), watch);
  }

  /**
   * Hashing with every one of {@code algorithms} (SHA-256 first) from the same reads, showing every
   * read buffer to {@code watch}, which may cancel the file's hash.
   */
  public FileHashing(FileOpener opener, List<HashAlgorithm> algorithms, ReadWatch watch) {
    this.opener = opener;
    this.hasher = new FileHasher(algorithms, watch);
  }

  /** How files are opened here, for the start-up log. */
  public String description() {
    return opener.description();
  }

  /**
   * What the event saw of the file, where it saw it.
   *
   * @param changed its status change time, where the producer had one
   */
  public record Expected(@Nullable Long size, @Nullable Instant modified, @Nullable Instant changed) {
    /** Whether the event saw a file at the path (a creation, change or find, not a delete). */
    boolean saysItExists() {
      return size != null;
    }

    /**
     * Whether {@code seen} is older than what the event saw: this view has not caught up. By the
     * status change time where both have one: a modification time put back after the event (tar,
     * rsync -t) is not an older view, and would otherwise end UNSTABLE.
     */
    boolean olderThanEvent(FileState seen) {
      StatTime seenChanged = seen.changed();
      if (changed != null && seenChanged != null) {
        return older(StatTime.of(changed), seenChanged, seen);
      }
      return modified != null && older(StatTime.of(modified), seen.modified(), seen);
    }

    private boolean older(StatTime event, StatTime view, FileState seen) {
      // Microseconds: a network file system may keep coarser times than the producer's disk.
      int order = view.truncatedToMicros().compareTo(event.truncatedToMicros());
      return order < 0 || (order == 0 && size != null && seen.size() != size);
    }
  }

  /** Where files are opened, looked up before every open: a root can be mounted or replaced. */
  public interface RootView {
    RootDirectory directory();

    /**
     * A file the event saw is not visible: whether to wait for this host to catch up. False when
     * the root itself looks wrong (not mounted): waiting for each file would only stall them all.
     */
    default boolean awaitVisible() {
      return true;
    }

    /**
     * Whether this host's view of the root can lag the producer's (a network file system): then a
     * view older than the event is waited for. On a local one it is a change after the event.
     */
    default boolean viewMayLag() {
      return true;
    }
  }

  /**
   * How a hash waits for this host's view to catch up, or for a transient failure to pass. The
   * hashing threads end the wait early when a newer event of the path came (it answers the path
   * anyway) or the task was cancelled; a later look at an uncertain answer does not wait at all,
   * its schedule is the wait.
   */
  @FunctionalInterface
  public interface Patience {
    /** Never waits. */
    Patience NONE = wait -> false;
    /** Sleeps the whole wait. */
    Patience SLEEP =
        wait -> {
          Thread.sleep(wait);
          return true;
        };

    /**
     * Waits up to {@code wait}.
     *
     * @return false if the wait was given up: the hash answers with what it saw
     */
    boolean await(Duration wait) throws InterruptedException;
  }

  /**
   * Hashes {@code relativePath} under {@code root}.
   *
   * @throws java.util.concurrent.CancellationException when the {@link ReadWatch} cancels it
   */
  public HashOutcome hash(RootDirectory root, String relativePath, Expected expected)
      throws InterruptedException {
    return hash(() -> root, relativePath, expected, Patience.SLEEP);
  }

  /**
   * Hashes {@code relativePath} under the directory {@code root} names at each open.
   *
   * @throws java.util.concurrent.CancellationException when the {@link ReadWatch} cancels it
   */
  public HashOutcome hash(RootView root, String relativePath, Expected expected, Patience patience)
      throws InterruptedException {
    int staleWaits = 0;
    int failedTries = 0;
    for (int read = 0; read < MAX_READS; ) {
      OpenOutcome outcome = open(root, relativePath);
      OpenFile file;
      switch (outcome) {
        case OpenOutcome.Opened opened -> file = opened.file();
        case OpenOutcome.Gone gone -> {
          if (!expected.saysItExists()) {
            return new HashOutcome.Gone();
          }
          // The event saw a file here: this host may not see it yet (or its volume is not mounted).
          if (root.awaitVisible() && root.viewMayLag() && backedOff(patience, staleWaits++)) {
            continue;
          }
          return new HashOutcome.NotVisible(
              "not visible on this host: the event saw a file of "
                  + expected.size()
                  + " bytes, this host sees nothing at the path");
        }
        case OpenOutcome.NotInTree notInTree -> {
          return new HashOutcome.Gone();
        }
        case OpenOutcome.NotRegular notRegular -> {
          if (notRegular.state().kind() == FileKind.DIRECTORY) {
            // Directories have no entry of their own: a file replaced by one is gone from the table.
            return new HashOutcome.Gone();
          }
          return new HashOutcome.NotRegular(notRegular.state());
        }
        case OpenOutcome.Refused refused -> {
          return new HashOutcome.Refused(refused.reason());
        }
        case OpenOutcome.Unreadable unreadable -> {
          if (unreadable.mayPass() && backedOff(patience, failedTries++)) {
            continue;
          }
          return new HashOutcome.Unreadable(triedAgain(unreadable.reason(), failedTries), unreadable.state());
        }
      }
      FileState state = file.state();
      if (expected.olderThanEvent(state)) {
        // Not holding the descriptor while waiting.
        file.close();
        if (root.viewMayLag() && backedOff(patience, staleWaits++)) {
          continue;
        }
        return new HashOutcome.Unstable(
            "the file system still shows an older state than the event (modified "
                + state.modified()
                + ", size "
                + state.size()
                + ")",
            state);
      }
      read++;
      List<Digest> digests;
      Optional<FileState> after;
      try (file) {
        digests = hasher.hash(file);
        after = file.recheck();
      } catch (IOException e) {
        // A read error (EIO, a network file system that went away): tried again, then reported.
        read--;
        if (backedOff(patience, failedTries++)) {
          continue;
        }
        return new HashOutcome.Unreadable(triedAgain(describe(e), failedTries), state);
      }
      if (after.isEmpty()) {
        return new HashOutcome.Gone();
      }
      if (after.get().sameAs(state)) {
        return new HashOutcome.Hashed(digests, state);
      }
    }
    return new HashOutcome.Unstable(
        "the file kept changing while it was read (" + MAX_READS + " reads)", null);
  }

  private OpenOutcome open(RootView root, String relativePath) {
    RootDirectory directory = root.directory();
    try {
      return opener.open(directory, relativePath);
    } catch (RootDirectory.ClosedException e) {
      // Opened anew between the look-up and the open: the new directory is the one to use.
      RootDirectory now = root.directory();
      if (now == directory) {
        throw e;
      }
      return opener.open(now, relativePath);
    }
  }

  /** Waits out backoff step {@code step} for a view to catch up; false once the steps are spent. */
  private static boolean backedOff(Patience patience, int step) throws InterruptedException {
    return step < STALE_BACKOFF.length && patience.await(STALE_BACKOFF[step]);
  }

  private static String triedAgain(String reason, int tries) {
    return tries <= 1 ? reason : reason + " (tried " + tries + " times)";
  }

  private static String describe(IOException e) {
    String message = e.getMessage();
    return message == null ? e.getClass().getSimpleName() : message;
  }

  @Override
  public void close() {
    opener.close();
  }
}
