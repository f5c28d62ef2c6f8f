package io.hashstream.producer.internal;

import org.jspecify.annotations.Nullable;

/**
 * What the events topic last said about one file, as compactly as the index can hold it: the state
 * Kafka acknowledged, or what the hash table recorded at start. Owned by the tracker's thread.
 *
 * <p>Sizes and times that are not known are stored as {@link #UNKNOWN}; an uncertain entry (a send
 * that failed, a hash result that says the file was unstable) never matches, so the path's current
 * state is published again.
 */
public final class IndexEntry {
  static final long UNKNOWN = Long.MIN_VALUE;

  private final FileType type;
  private final long size;
  private final long modifiedNanos;
  private final long changedNanos;
  private final long device;
  private final long inode;
  private final boolean identityComparable;
  /**
   * The times come from another machine's view (a consumer's mount), which may keep them at a
   * coarser precision: compared at the precision the recorded value shows.
   */
  private final boolean coarseTimes;
  private final boolean uncertain;

  private IndexEntry(
      FileType type,
      long size,
      long modifiedNanos,
      long changedNanos,
      long device,
      long inode,
      boolean identityComparable,
      boolean coarseTimes,
      boolean uncertain) {
    this.type = type;
    this.size = size;
    this.modifiedNanos = modifiedNanos;
    this.changedNanos = changedNanos;
    this.device = device;
    this.inode = inode;
    this.identityComparable = identityComparable;
    this.coarseTimes = coarseTimes;
    this.uncertain = uncertain;
  }

  /** A state this producer observed and Kafka acknowledged: everything comparable. */
  public static IndexEntry published(FileState state) {
    FileState.Identity identity = state.identity();
    return new IndexEntry(
        state.type(),
        state.size(),
        orUnknown(state.modifiedNanos()),
        orUnknown(state.changedNanos()),
        identity == null ? 0 : identity.device(),
        identity == null ? 0 : identity.inode(),
        identity != null,
        false,
        false);
  }

  /**
   * A state another machine recorded (a consumer's hash result): size and time compare, the file
   * key does not (device numbers differ between machines), and the times compare at the precision
   * the record shows. Unknown size or modification time never match a regular file; for a link,
   * FIFO or device they are not compared. An unknown status change time (a result written before
   * it was recorded) is not compared: an upgrade does not republish every file.
   */
  public static IndexEntry recorded(
      FileType type, @Nullable Long size, @Nullable Long modifiedNanos, @Nullable Long changedNanos) {
    boolean incomplete = type == FileType.REGULAR && (size == null || modifiedNanos == null);
    return new IndexEntry(
        type, orUnknown(size), orUnknown(modifiedNanos), orUnknown(changedNanos), 0, 0, false, true, incomplete);
  }

  private static long orUnknown(@Nullable Long value) {
    return value == null ? UNKNOWN : value;
  }

  /** An entry whose published state is unknown: whatever the path holds now is published. */
  public static IndexEntry uncertain() {
    return new IndexEntry(FileType.OTHER, UNKNOWN, UNKNOWN, UNKNOWN, 0, 0, false, false, true);
  }

  /** Whether the path's current state {@code state} is what this entry says was published. */
  public boolean matches(FileState state) {
    if (uncertain || type != state.type()) {
      return false;
    }
    if (size != UNKNOWN && size != state.size()) {
      return false;
    }
    if (!sameTime(modifiedNanos, state.modifiedNanos()) || !sameTime(changedNanos, state.changedNanos())) {
      return false;
    }
    FileState.Identity identity = state.identity();
    return !identityComparable
        || identity == null
        || (identity.device() == device && identity.inode() == inode);
  }

  private boolean sameTime(long known, @Nullable Long now) {
    if (known == UNKNOWN) {
      return true;
    }
    if (now == null) {
      return false;
    }
    if (!coarseTimes) {
      return known == now;
    }
    long unit = precisionOf(known);
    return Math.floorDiv(known, unit) == Math.floorDiv(now, unit);
  }

  /**
   * The coarsest of a second, a millisecond, a microsecond and a nanosecond that divides {@code
   * nanos}: NFS and some FUSE mounts keep microseconds or seconds. A true nanosecond time that
   * happens to end in zeros is compared a little more coarsely; that is the price.
   */
  static long precisionOf(long nanos) {
    for (long unit = 1_000_000_000L; unit > 1; unit /= 1000) {
      if (Math.floorMod(nanos, unit) == 0) {
        return unit;
      }
    }
    return 1;
  }

  public boolean isUncertain() {
    return uncertain;
  }

  public FileType type() {
    return type;
  }
}
