package io.hashstream.producer.internal.store;

import io.hashstream.producer.internal.Index;
import io.hashstream.producer.internal.IndexEntry;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The producer's index on disk, in its state directory: {@code index.snapshot} (the whole index at
 * one moment) and {@code index.log} (every change since, appended when Kafka acknowledged it), under
 * {@code producer.lock}, so one producer at a time uses them.
 *
 * <p>Life cycle: {@link #open} locks; {@link #load} reads the snapshot and replays the log; the
 * start brings the loaded index up to date with the hash table; {@link #begin} then makes what is on
 * disk match it (a new snapshot if the start changed it) and hands the store to the tracker, whose
 * thread owns it from then on: {@link #put}, {@link #remove} and {@link #position} append, {@link
 * #endOfTurn} writes the appended records out (each turn, so a killed process loses none), syncs them
 * once a second (a power cut loses at most that second: those changes are found again by the next
 * start's diff, and published again) and writes a new snapshot when the log has grown as big as the
 * last one; {@link #close} writes a last snapshot, so a clean restart replays nothing.
 *
 * <p>A write that fails (a full disk) stops the persisting, said once: what is on disk stays a
 * consistent older state, which the next start corrects by its diff.
 */
public final class IndexStore implements IndexJournal {
  private static final Logger LOG = LoggerFactory.getLogger(IndexStore.class);
  static final String SNAPSHOT = "index.snapshot";
  static final String LOG_FILE = "index.log";
  static final String LOCK = "producer.lock";
  private static final long SYNC_NANOS = TimeUnit.SECONDS.toNanos(1);
  private static final long MIN_COMPACT_BYTES = 64L << 20;

  /** What {@link #load} found. */
  public sealed interface Loaded {
    /**
     * A usable index.
     *
     * @param replayed the log's records taken after the snapshot
     */
    record Found(Map<String, Index> indexes, TablePosition position, long replayed) implements Loaded {}

    /** None to use, and why (said once by the caller): missing, damaged, unreadable. */
    record Missing(String reason) implements Loaded {}
  }

  private final Path directory;
  private final FileChannel lockChannel;
  private final FileLock lock;
  private long generation;
  private long validLogBytes;
  private boolean logDamaged;
  private @Nullable IndexLog log;
  private long snapshotBytes;
  private long lastSyncNanos = System.nanoTime();
  private boolean failed;
  private TablePosition lastPosition = new TablePosition("", Map.of(), Map.of());

  private IndexStore(Path directory, FileChannel lockChannel, FileLock lock) {
    this.directory = directory;
    this.lockChannel = lockChannel;
    this.lock = lock;
  }

  /** The producer's state directory is locked by another process. */
  public static final class InUseException extends IOException {
    private static final long serialVersionUID = 1L;

    InUseException(String message) {
      super(message);
    }
  }

  /**
   * Locks {@code directory} (creating it) for this producer.
   *
   * @throws InUseException if another producer holds it
   * @throws IOException if it cannot be made or locked
   */
  public static IndexStore open(Path directory) throws IOException {
    Files.createDirectories(directory);
    Path lockFile = directory.resolve(LOCK);
    FileChannel channel =
        FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.READ);
    FileLock lock;
    try {
      lock = channel.tryLock();
    } catch (OverlappingFileLockException e) {
      lock = null;
    } catch (IOException e) {
      channel.close();
      throw e;
    }
    if (lock == null) {
      String holder = holder(lockFile);
      channel.close();
      throw new InUseException(
          "the state directory " + directory + " is in use by another producer" + holder
              + "; stop that one first, or give this one its own --state-dir");
    }
    channel.truncate(0);
    channel.write(StandardCharsets.US_ASCII.encode(Long.toString(ProcessHandle.current().pid())), 0);
    channel.force(false);
    return new IndexStore(directory, channel, lock);
  }

  private static String holder(Path lockFile) {
    try {
      String pid = Files.readString(lockFile, StandardCharsets.US_ASCII).strip();
      return pid.isEmpty() ? "" : " (pid " + pid + ")";
    } catch (IOException e) {
      return "";
    }
  }

  /** Reads the snapshot and replays the log after it. */
  public Loaded load() {
    Path snapshotFile = directory.resolve(SNAPSHOT);
    IndexSnapshot.Contents contents;
    try {
      contents = IndexSnapshot.read(snapshotFile);
      snapshotBytes = Files.size(snapshotFile);
    } catch (NoSuchFileException e) {
      return new Loaded.Missing("there is no index in " + directory + " yet");
    } catch (IOException e) {
      return new Loaded.Missing("the index " + snapshotFile + " cannot be used (" + e.getMessage() + ")");
    }
    generation = contents.generation();
    Map<String, Index> indexes = new HashMap<>(contents.indexes());
    TablePosition[] position = {contents.position()};
    IndexLog.Replayed replayed;
    try {
      replayed =
          IndexLog.replay(
              directory.resolve(LOG_FILE),
              generation,
              new IndexLog.Visitor() {
                @Override
                public void put(String root, String path, IndexEntry entry) {
                  indexes.computeIfAbsent(root, r -> new Index()).put(path, entry);
                }

                @Override
                public void remove(String root, String path) {
                  Index index = indexes.get(root);
                  if (index != null) {
                    index.remove(path);
                  }
                }

                @Override
                public void position(TablePosition at) {
                  position[0] = at;
                }
              });
    } catch (IOException e) {
      indexes.values().forEach(Index::close);
      return new Loaded.Missing("the index log in " + directory + " cannot be read (" + e.getMessage() + ")");
    }
    long records = 0;
    if (replayed == null) {
      logDamaged = true;
      validLogBytes = 0;
    } else {
      records = replayed.records();
      validLogBytes = replayed.validBytes();
      if (replayed.damagedBytes() > 0) {
        logDamaged = true;
        LOG.warn(
            "the index log ends with {} bytes cut short (the producer was killed while writing them):"
                + " they are left out, and the changes they held are found again by the scan",
            replayed.damagedBytes());
      }
    }
    return new Loaded.Found(indexes, position[0], records);
  }

  /**
   * Makes what is on disk match {@code indexes} at {@code position}, and starts appending.
   *
   * @param changed whether the start changed the index after {@link #load} (or it was not loaded
   *     from here at all): then a new snapshot is written
   * @throws IOException if the state directory cannot be written
   */
  public void begin(Map<String, Index> indexes, TablePosition position, boolean changed) throws IOException {
    Path logFile = directory.resolve(LOG_FILE);
    lastPosition = position;
    if (changed || logDamaged || validLogBytes == 0) {
      snapshot(indexes, position);
    } else {
      IndexLog opened = IndexLog.append(logFile, validLogBytes);
      log = opened;
      opened.position(position);
      opened.sync();
    }
  }

  private void snapshot(Map<String, Index> indexes, TablePosition position) throws IOException {
    long start = System.nanoTime();
    IndexLog previous = log;
    log = null;
    if (previous != null) {
      previous.close();
    }
    generation++;
    Path snapshotFile = directory.resolve(SNAPSHOT);
    IndexSnapshot.write(snapshotFile, generation, position, indexes);
    snapshotBytes = Files.size(snapshotFile);
    log = IndexLog.create(directory.resolve(LOG_FILE), generation);
    logDamaged = false;
    long files = indexes.values().stream().mapToLong(Index::size).sum();
    LOG.info(
        "index saved: {} files in {} bytes ({} ms)",
        files,
        snapshotBytes,
        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
  }

  @Override
  public void put(String root, String path, IndexEntry entry) {
    IndexLog current = log;
    if (current == null) {
      return;
    }
    try {
      current.put(root, path, entry);
    } catch (IOException e) {
      fail(e);
    }
  }

  @Override
  public void remove(String root, String path) {
    IndexLog current = log;
    if (current == null) {
      return;
    }
    try {
      current.remove(root, path);
    } catch (IOException e) {
      fail(e);
    }
  }

  @Override
  public void position(TablePosition position) {
    lastPosition = position;
    IndexLog current = log;
    if (current == null) {
      return;
    }
    try {
      current.position(position);
    } catch (IOException e) {
      fail(e);
    }
  }

  @Override
  public void endOfTurn(Map<String, Index> indexes) {
    IndexLog current = log;
    if (current == null) {
      return;
    }
    try {
      long now = System.nanoTime();
      if (now - lastSyncNanos >= SYNC_NANOS) {
        lastSyncNanos = now;
        current.sync();
      } else {
        current.flush();
      }
      if (current.size() > Math.max(MIN_COMPACT_BYTES, snapshotBytes)) {
        snapshot(indexes, lastPosition);
      }
    } catch (IOException e) {
      fail(e);
    }
  }

  @Override
  public void close(Map<String, Index> indexes) {
    try {
      if (log != null) {
        snapshot(indexes, lastPosition);
      }
    } catch (IOException e) {
      fail(e);
    } finally {
      closeLog();
      release();
    }
  }

  /** Releases the lock without writing anything: a start that failed. */
  public void release() {
    closeLog();
    try {
      if (lock.isValid()) {
        lock.release();
      }
      lockChannel.close();
    } catch (IOException e) {
      LOG.debug("releasing {}", directory.resolve(LOCK), e);
    }
  }

  private void closeLog() {
    IndexLog current = log;
    log = null;
    if (current != null) {
      try {
        current.close();
      } catch (IOException e) {
        fail(e);
      }
    }
  }

  private void fail(IOException e) {
    if (!failed) {
      failed = true;
      LOG.error(
          "cannot write the index in {} ({}): it is not kept up to date until the next start, which"
              + " corrects what it holds by its scan",
          directory,
          e.toString());
    }
    IndexLog current = log;
    log = null;
    if (current != null) {
      try {
        current.close();
      } catch (IOException suppressed) {
        e.addSuppressed(suppressed);
      }
    }
  }
}
