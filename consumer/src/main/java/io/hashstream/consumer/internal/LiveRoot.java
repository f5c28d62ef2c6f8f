package io.hashstream.consumer.internal;

import io.hashstream.nativeio.FileState;
import io.hashstream.nativeio.PathIdentity;
import io.hashstream.nativeio.RootDirectory;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.Objects;
import java.util.function.LongSupplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One root as this host sees it now. Files are opened beneath a directory descriptor held for the
 * root; before each file, a fresh {@code stat} of the configured path makes sure the held directory
 * is still the one the path names (device and inode): a volume mounted onto the root after the
 * start, a lazy unmount, a root directory replaced or a symbolic link retargeted makes the root be
 * opened anew, and the log says so.
 *
 * <p>It also judges whether the root is <b>suspect</b>: an event said a file exists, this host sees
 * nothing at its path, and the root itself does not look like the tree: its directory is not the
 * one where this instance last saw a file of the root (an unmounted volume, a replaced root), or it
 * never saw one and the directory is empty (a volume not mounted yet). The poll thread holds such a
 * root's records instead of answering them; the first file seen again clears it.
 *
 * <p>Shared by the hashing threads (which open through it) and the poll thread (which asks whether
 * it is suspect); closed once, after the hashing threads stopped.
 */
final class LiveRoot implements FileHashing.RootView, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(LiveRoot.class);
  /**
   * How long an empty root that never showed a file is held. Unbounded, a group started on old
   * events of a tree that was emptied since would wait for ever; after it, the records are answered
   * (UNSTABLE, not visible), the DELETED events behind them write tombstones, and the answers are
   * looked at again ({@link Rechecks}).
   */
  static final Duration EMPTY_HOLD = Duration.ofMinutes(15);

  private final String name;
  private final Path configured;
  /** The configured path's identity through one native {@code statx}; null where it cannot run. */
  private final @Nullable PathIdentity identities;
  /** Guarded by {@code this}, as are {@code identity}, {@code unreadable} and {@code healthy}. */
  private volatile RootDirectory directory;
  /**
   * The held directory's device and inode, as opened: a {@link FileState.Identity}, or the JDK's
   * {@link BasicFileAttributes#fileKey} where the native calls cannot run (one kind per instance,
   * from {@link #identityOf}).
   */
  private volatile @Nullable Object identity;
  /** The file system the held directory is on: whether waiting for a file not visible helps. */
  private volatile RootFileSystem fileSystem;
  /** The last failure to {@code stat} the configured path, said once until it reads again. */
  private @Nullable String unreadable;
  /** The identity of the root when this instance last saw a file beneath it; null before that. */
  private volatile @Nullable Object healthy;
  private volatile @Nullable String suspect;
  /** Guarded by {@code this}: when it became suspect, and whether for an empty directory only. */
  private long suspectSinceNanos;
  private boolean suspectForEmpty;
  /** An empty root held for {@link #EMPTY_HOLD} is taken as it is until a file is seen. */
  private boolean emptyTakenAsItIs;
  private final LongSupplier clock;

  private LiveRoot(
      String name,
      Path configured,
      @Nullable PathIdentity identities,
      RootDirectory directory,
      @Nullable Object identity,
      RootFileSystem fileSystem,
      LongSupplier clock) {
    this.name = name;
    this.configured = configured;
    this.identities = identities;
    this.directory = directory;
    this.identity = identity;
    this.fileSystem = fileSystem;
    this.clock = clock;
  }

  /**
   * Opens a root at the start.
   *
   * @throws IOException if its directory cannot be opened
   */
  static LiveRoot open(String name, Path configured) throws IOException {
    return open(name, configured, System::nanoTime);
  }

  /** With {@code clock} ({@link System#nanoTime} or a test's) for how long it has been suspect. */
  static LiveRoot open(String name, Path configured, LongSupplier clock) throws IOException {
    PathIdentity identities = PathIdentity.of(configured).orElse(null);
    try {
      Object identity = identityOf(configured, identities);
      Path real = configured.toRealPath();
      return new LiveRoot(
          name, configured, identities, RootDirectory.open(real), identity, RootFileSystem.of(real), clock);
    } catch (IOException | RuntimeException e) {
      if (identities != null) {
        identities.close();
      }
      throw e;
    }
  }

  /** What {@code path} names now, device and inode, symbolic links followed. */
  private static @Nullable Object identityOf(Path path, @Nullable PathIdentity identities) throws IOException {
    return identities != null
        ? identities.current()
        : Files.readAttributes(path, BasicFileAttributes.class).fileKey();
  }

  /** Where the root is and what its file system means for waiting, for the start-up log. */
  String describe() {
    return "root " + name + " at " + configured + ": on " + fileSystem.describe();
  }

  String name() {
    return name;
  }

  /**
   * The root's directory as the configured path names it now, opened anew if it changed. If the
   * path cannot be read, the held directory stays (and files beneath the root look gone, which
   * makes the root suspect).
   */
  @Override
  public RootDirectory directory() {
    @Nullable Object now;
    try {
      now = identityOf(configured, identities);
    } catch (IOException e) {
      cannotRead(e);
      return directory;
    }
    RootDirectory held = directory;
    if (Objects.equals(now, identity)) {
      return held;
    }
    return reopen(now);
  }

  private synchronized RootDirectory reopen(@Nullable Object seen) {
    if (Objects.equals(seen, identity)) {
      return directory;
    }
    RootDirectory fresh;
    Path real;
    try {
      real = configured.toRealPath();
      fresh = RootDirectory.open(real);
    } catch (IOException e) {
      cannotRead(e);
      return directory;
    }
    RootFileSystem freshFileSystem = RootFileSystem.of(real);
    LOG.warn(
        "root {}: {} is no longer the directory this consumer opened ({} before, {} now: mounted,"
            + " unmounted or replaced); files are opened beneath the new one, on {}",
        name,
        configured,
        identity,
        seen,
        freshFileSystem.describe());
    RootDirectory old = directory;
    directory = fresh;
    identity = seen;
    fileSystem = freshFileSystem;
    unreadable = null;
    // Opens running beneath the old one finish first; one that starts now is retried on the new one.
    old.close();
    return fresh;
  }

  private synchronized void cannotRead(IOException e) {
    String reason = String.valueOf(e.getMessage());
    if (!reason.equals(unreadable)) {
      LOG.warn("root {}: {} cannot be read ({}); files are opened beneath the directory held before", name, configured, reason);
      unreadable = reason;
    }
  }

  /** A file beneath the root was seen (whatever its outcome): the root is what it should be. */
  void seen() {
    if (healthy != null && suspect == null && Objects.equals(healthy, identity)) {
      return;
    }
    synchronized (this) {
      healthy = identity;
      emptyTakenAsItIs = false;
      String was = suspect;
      if (was != null) {
        suspect = null;
        LOG.warn("root {}: files are visible again under {}; its records are answered again", name, configured);
      }
    }
  }

  /** A file an event says exists is not visible: worth waiting for unless the root is suspect. */
  @Override
  public boolean awaitVisible() {
    return !notVisible();
  }

  @Override
  public boolean viewMayLag() {
    return fileSystem.viewMayLag();
  }

  /**
   * A file an event says exists is not visible beneath the root: decides whether the root is
   * suspect.
   *
   * @return whether it is
   */
  boolean notVisible() {
    if (suspect != null) {
      return stillSuspect();
    }
    String reason = suspicion();
    if (reason == null) {
      return false;
    }
    synchronized (this) {
      if (suspect == null) {
        suspect = reason;
        suspectSinceNanos = clock.getAsLong();
        suspectForEmpty = healthy == null;
        LOG.error(
            "root {}: files that events say exist are not visible under {} ({}); the partitions"
                + " with its records are held, not answered UNSTABLE, until they are",
            name,
            configured,
            reason);
      }
    }
    return true;
  }

  private synchronized boolean stillSuspect() {
    if (suspect == null) {
      return false;
    }
    if (!suspectForEmpty || clock.getAsLong() - suspectSinceNanos < EMPTY_HOLD.toNanos()) {
      return true;
    }
    suspect = null;
    emptyTakenAsItIs = true;
    LOG.warn(
        "root {}: {} has been empty for {} minutes while events say its files exist; taken as it is:"
            + " its records are answered (UNSTABLE, not visible) and looked at again later. If a"
            + " volume belongs there, mount it",
        name,
        configured,
        EMPTY_HOLD.toMinutes());
    return false;
  }

  private synchronized @Nullable String suspicion() {
    if (healthy != null) {
      return healthy.equals(identity)
          ? null
          : "the root directory is not the one where its files were seen (" + healthy + " then, " + identity + " now)";
    }
    if (emptyTakenAsItIs) {
      return null;
    }
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(configured)) {
      return entries.iterator().hasNext() ? null : "the root directory is empty: is its volume mounted?";
    } catch (IOException e) {
      return "the root directory cannot be listed: " + e.getMessage();
    }
  }

  /** Why the root is suspect, or null if it is not. */
  @Nullable String suspect() {
    return suspect;
  }

  @Override
  public synchronized void close() {
    directory.close();
    if (identities != null) {
      identities.close();
    }
  }
}
