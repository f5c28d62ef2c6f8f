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
  private final long device;
  private final long inode;
  private final boolean identityComparable;
  private final boolean uncertain;

  private IndexEntry(
      FileType type,
      long size,
      long modifiedNanos,
      long device,
      long inode,
      boolean identityComparable,
      boolean uncertain) {
    this.type = type;
    this.size = size;
    this.modifiedNanos = modifiedNanos;
    this.device = device;
    this.inode = inode;
    this.identityComparable = identityComparable;
    this.uncertain = uncertain;
  }

  /** A state this producer observed and Kafka acknowledged: everything comparable. */
  public static IndexEntry published(FileState state) {
    FileState.Identity identity = state.identity();
    Long modified = state.modifiedNanos();
    return new IndexEntry(
        state.type(),
        state.size(),
        modified == null ? UNKNOWN : modified,
        identity == null ? 0 : identity.device(),
        identity == null ? 0 : identity.inode(),
        identity != null,
        false);
  }

  /**
   * A state another machine recorded (a consumer's hash result): size and time compare, the file
   * key does not (device numbers differ between machines). Unknown size or time never match a
   * regular file; for a link, FIFO or device they are not compared.
   */
  public static IndexEntry recorded(FileType type, @Nullable Long size, @Nullable Long modifiedNanos) {
    boolean incomplete = type == FileType.REGULAR && (size == null || modifiedNanos == null);
    return new IndexEntry(
        type,
        size == null ? UNKNOWN : size,
        modifiedNanos == null ? UNKNOWN : modifiedNanos,
        0,
        0,
        false,
        incomplete);
  }

  /** An entry whose published state is unknown: whatever the path holds now is published. */
  public static IndexEntry uncertain() {
    return new IndexEntry(FileType.OTHER, UNKNOWN, UNKNOWN, 0, 0, false, true);
  }

  /** Whether the path's current state {@code state} is what this entry says was published. */
  public boolean matches(FileState state) {
    if (uncertain || type != state.type()) {
      return false;
    }
    if (size != UNKNOWN && size != state.size()) {
      return false;
    }
    Long modified = state.modifiedNanos();
    if (modifiedNanos != UNKNOWN && (modified == null || modified != modifiedNanos)) {
      return false;
    }
    FileState.Identity identity = state.identity();
    return !identityComparable
        || identity == null
        || (identity.device() == device && identity.inode() == inode);
  }

  public boolean isUncertain() {
    return uncertain;
  }

  public FileType type() {
    return type;
  }
}
