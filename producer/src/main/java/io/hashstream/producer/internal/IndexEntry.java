package io.hashstream.producer.internal;

import java.util.Objects;
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

  /**
   * Whether what the table recorded ({@code recorded}, from a hash result) agrees with this entry:
   * both certain, the same type and size, and the same times at the precision the record shows.
   * Device and inode are not compared (another machine's numbers).
   */
  public boolean agreesWith(IndexEntry recorded) {
    if (uncertain || recorded.uncertain || type != recorded.type) {
      return false;
    }
    if (size != UNKNOWN && recorded.size != UNKNOWN && size != recorded.size) {
      return false;
    }
    return sameAtPrecisionOf(recorded.modifiedNanos, modifiedNanos)
        && sameAtPrecisionOf(recorded.changedNanos, changedNanos);
  }

  private static boolean sameAtPrecisionOf(long recorded, long known) {
    if (recorded == UNKNOWN || known == UNKNOWN) {
      return true;
    }
    long unit = precisionOf(recorded);
    return Math.floorDiv(recorded, unit) == Math.floorDiv(known, unit);
  }

  // ---- the byte form, shared by the in-memory index and the persisted one --------------------

  /** The most bytes {@link #encode} writes. */
  public static final int MAX_ENCODED_LENGTH = 1 + 10 + 8 + 10 + 10 + 10;

  private static final int TYPE_MASK = 0b11;
  private static final int IDENTITY = 1 << 2;
  private static final int COARSE = 1 << 3;
  private static final int UNCERTAIN = 1 << 4;
  private static final int SIZE_KNOWN = 1 << 5;
  private static final int MODIFIED_KNOWN = 1 << 6;
  private static final int CHANGED_KNOWN = 1 << 7;

  /**
   * Writes this entry at {@code offset} of {@code target} (at most {@link #MAX_ENCODED_LENGTH}
   * bytes): a flags byte, then the known fields only, the size, device and inode as varints, the
   * modification time in eight bytes and the status change time as the varint of its distance from
   * it (usually zero or small).
   *
   * @return the offset after the entry
   */
  public int encode(byte[] target, int offset) {
    int flags = typeCode(type)
        | (identityComparable ? IDENTITY : 0)
        | (coarseTimes ? COARSE : 0)
        | (uncertain ? UNCERTAIN : 0)
        | (size != UNKNOWN ? SIZE_KNOWN : 0)
        | (modifiedNanos != UNKNOWN ? MODIFIED_KNOWN : 0)
        | (changedNanos != UNKNOWN ? CHANGED_KNOWN : 0);
    int at = offset;
    target[at++] = (byte) flags;
    if (size != UNKNOWN) {
      at = Varint.write(target, at, Varint.zigzag(size));
    }
    if (modifiedNanos != UNKNOWN) {
      for (int shift = 0; shift < 64; shift += 8) {
        target[at++] = (byte) (modifiedNanos >>> shift);
      }
    }
    if (changedNanos != UNKNOWN) {
      long base = modifiedNanos == UNKNOWN ? 0 : modifiedNanos;
      at = Varint.write(target, at, Varint.zigzag(changedNanos - base));
    }
    if (identityComparable) {
      at = Varint.write(target, at, device);
      at = Varint.write(target, at, inode);
    }
    return at;
  }

  /** The type's code in the flags byte: part of the persisted form, so fixed here, not an ordinal. */
  private static int typeCode(FileType type) {
    return switch (type) {
      case REGULAR -> 0;
      case DIRECTORY -> 1;
      case SYMLINK -> 2;
      case OTHER -> 3;
    };
  }

  private static FileType typeOf(int code) {
    return switch (code) {
      case 0 -> FileType.REGULAR;
      case 1 -> FileType.DIRECTORY;
      case 2 -> FileType.SYMLINK;
      default -> FileType.OTHER;
    };
  }

  /** The entry that {@link #encode} wrote at {@code offset} of {@code source}. */
  public static IndexEntry decode(byte[] source, int offset) {
    int flags = source[offset] & 0xff;
    int[] at = {offset + 1};
    long size = (flags & SIZE_KNOWN) != 0 ? Varint.unzigzag(Varint.read(source, at)) : UNKNOWN;
    long modified = UNKNOWN;
    if ((flags & MODIFIED_KNOWN) != 0) {
      modified = 0;
      for (int shift = 0; shift < 64; shift += 8) {
        modified |= (source[at[0]++] & 0xffL) << shift;
      }
    }
    long changed = UNKNOWN;
    if ((flags & CHANGED_KNOWN) != 0) {
      long base = modified == UNKNOWN ? 0 : modified;
      changed = base + Varint.unzigzag(Varint.read(source, at));
    }
    boolean identity = (flags & IDENTITY) != 0;
    long device = identity ? Varint.read(source, at) : 0;
    long inode = identity ? Varint.read(source, at) : 0;
    return new IndexEntry(
        typeOf(flags & TYPE_MASK),
        size,
        modified,
        changed,
        device,
        inode,
        identity,
        (flags & COARSE) != 0,
        (flags & UNCERTAIN) != 0);
  }

  /** The length of the entry that {@link #encode} wrote at {@code offset} of {@code source}. */
  public static int encodedLength(byte[] source, int offset) {
    int flags = source[offset] & 0xff;
    int at = offset + 1;
    if ((flags & SIZE_KNOWN) != 0) {
      at = Varint.skip(source, at);
    }
    if ((flags & MODIFIED_KNOWN) != 0) {
      at += 8;
    }
    if ((flags & CHANGED_KNOWN) != 0) {
      at = Varint.skip(source, at);
    }
    if ((flags & IDENTITY) != 0) {
      at = Varint.skip(source, Varint.skip(source, at));
    }
    return at - offset;
  }

  @Override
  public boolean equals(@Nullable Object other) {
    return other instanceof IndexEntry that
        && type == that.type
        && size == that.size
        && modifiedNanos == that.modifiedNanos
        && changedNanos == that.changedNanos
        && device == that.device
        && inode == that.inode
        && identityComparable == that.identityComparable
        && coarseTimes == that.coarseTimes
        && uncertain == that.uncertain;
  }

  @Override
  public int hashCode() {
    return Objects.hash(type, size, modifiedNanos, changedNanos, device, inode, identityComparable, coarseTimes, uncertain);
  }

  @Override
  public String toString() {
    return uncertain
        ? "IndexEntry[uncertain]"
        : "IndexEntry[" + type + ", size " + size + ", mtime " + modifiedNanos + ", ctime " + changedNanos
            + (identityComparable ? ", dev " + device + ", ino " + inode : "") + (coarseTimes ? ", coarse" : "") + "]";
  }

  public boolean isUncertain() {
    return uncertain;
  }

  public FileType type() {
    return type;
  }
}
