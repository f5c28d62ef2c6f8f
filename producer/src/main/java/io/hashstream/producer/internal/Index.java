package io.hashstream.producer.internal;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.ref.Cleaner;
import java.lang.ref.Reference;
import java.util.ArrayList;
import java.util.ConcurrentModificationException;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiConsumer;
import org.jspecify.annotations.Nullable;

/**
 * One root's index: relative path → {@link IndexEntry}, stored as a tree of directories so that a
 * directory's files can be listed and a whole subtree retired without scanning every entry, and so
 * that directory names are stored once. Not thread-safe: built by one thread (the producer's
 * start), then handed to the tracker's, one at a time.
 *
 * <p>A producer indexes millions of files, so a file costs no object of its own: each directory
 * packs its files into one arena off the heap (see {@link FileTable}), at most an eighth more than
 * the bytes of their names and encoded entries, plus five to eight bytes of hash table a file on
 * the heap. Names of 20 characters cost some 6 to 8 bytes of heap and 40 to 45 off it a file, where
 * a map of entries took 161 bytes of heap ({@code IndexTest.heapCostPerFile}; {@code IndexScale
 * memory}: 10 million files fit a 512 MiB heap). {@link #get} therefore decodes a new entry each
 * time. The hash tables stay on the heap: an {@code int[]} is the fastest to probe, and a rehash
 * replaces one whole, where off the heap each would be memory to return.
 *
 * <p>The arenas are cut from {@link Region}s: a few shared arenas (an eighth of the index's memory
 * each, 64 KiB to 4 MiB) that a table's old arena goes back to when it grows, is compacted or
 * empties (an arena last cut from the current region grows in place, as while a scan or a snapshot
 * fills one directory after another); a region none uses is closed, and while the regions hold an
 * eighth more than the arenas, the arenas of the one with most unused are moved out and it is
 * closed ({@link #reclaim}). Measured before
 * choosing, with {@code IndexScale memory} (a million files, 2,000 directories): an arena of its
 * own per table and generation, in a shared arena closed on replacement, took 28,000 closes and
 * some 50 µs each (a close is a handshake with every thread, longer while the cores are busy),
 * and made puts three to five times slower; regions take 362 closes there, 1,114 for ten million
 * files. Puts then cost what the heap's arrays did at ten million files (1.2 to 1.6 µs, against
 * 1.2 to 2.0 for arrays that the collector walks), gets no more; a fresh JVM spends some 0.3 s
 * more compiling the segment accesses, a third more for the first million puts with idle cores. {@code Arena.ofAuto()} frees
 * only once the collector finds a segment unreachable, which for one promoted to the old
 * generation may be long after, and counts against {@code -XX:MaxDirectMemorySize}, by default the
 * heap's maximum: a 10-million-file index (some 450 MB) would need nearly all of it under {@code
 * -Xmx512m}, and allocations near the limit call {@code System.gc()} (an allocate-and-drop loop
 * of 100 KB segments under {@code -Xmx512m} kept 640 MB resident and ran full collections, where
 * closing each kept 176 MB). A confined arena cannot be handed from the starting thread to the
 * tracker's. {@link #close} frees the regions at once; an index dropped unclosed has them closed
 * by a cleaner once it is unreachable, so forgetting is no leak, only later.
 *
 * <p>Each file has a mark bit, for a background comparison with the hash table: {@link #put} sets
 * it (a fresh entry counts as agreeing); {@link #clearMarks}, {@link #mark} and {@link #unmark}
 * record what the comparison found, and {@link #forEachUnmarked} visits the rest.
 *
 * <p>Paths are relative, with {@code /} separators; the root directory is {@code ""}.
 */
public final class Index implements AutoCloseable {
  private static final MemorySegment NO_BYTES = MemorySegment.NULL;
  private static final int[] NO_SLOTS = {};
  /**
   * The bounds of a region's size, which is an eighth of the index's memory between them: a small
   * index takes little, a large one closes few arenas.
   */
  private static final long MIN_REGION = 64 << 10;
  private static final long MAX_REGION = 4 << 20;
  /** The bytes of the open regions of every index, closed or not: for the tests. */
  private static final AtomicLong OFF_HEAP_OF_ALL = new AtomicLong();
  /** Closes the regions of an index that is unreachable and was not closed. */
  private static final Cleaner CLEANER =
      Cleaner.create(Thread.ofPlatform().name("index-cleaner").daemon().factory());
  /** A header's bit 0: set in a gap's, clear in a record's. */
  private static final int GAP = 1;
  /** A record header's bit 1: the low bits of a varint are in its first byte, so it flips in place. */
  private static final int MARK = 2;
  private static final int TOMBSTONE = -1;
  /** Far more than a file system allows (255 bytes, mostly), and it keeps record sizes in an int. */
  private static final int MAX_NAME_CHARS = 1 << 20;
  /** The largest array the JVM allocates dependably. */
  private static final int MAX_ARRAY = Integer.MAX_VALUE - 16;

  private final Directory top = new Directory();
  private long files;
  /**
   * Counts puts and removes, so that a visit whose action puts or removes fails rather than walks
   * an arena that a compaction replaced.
   */
  private int modifications;
  /** A file name as UTF-8, then the entry being put: lookups allocate nothing. */
  private byte[] scratch = new byte[256];
  /** {@link #scratch}, to compare with and copy to the arenas. */
  private MemorySegment scratchSegment = MemorySegment.ofArray(scratch);
  /** A record copied out of an arena, for a walk. */
  private byte[] window = new byte[128];
  /** An entry copied out of an arena, for {@link IndexEntry}'s byte-array codec. */
  private final byte[] entryScratch = new byte[IndexEntry.MAX_ENCODED_LENGTH];
  private final OpenArenas arenas = new OpenArenas();
  private final Cleaner.Cleanable cleanable = CLEANER.register(this, arenas);
  /** The open regions, for {@link #residentBytes}. */
  private final Set<Region> regions = new HashSet<>();
  /** The region new arenas are cut from; null until the first. */
  private @Nullable Region current;
  /** The bytes of the open regions. */
  private long offHeapBytes;
  /** The bytes of the tables' arenas. */
  private long liveBytes;
  /** Whether {@link #reclaim} is moving arenas: it does not start again meanwhile. */
  private boolean reclaiming;
  private boolean closed;

  private long overwrittenInPlace;
  private long moved;
  private long compactions;
  private long rehashes;
  private long evacuations;
  private long regionsClosed;

  /** The number of files. */
  public long size() {
    return files;
  }

  public @Nullable IndexEntry get(String path) {
    ensureOpen();
    try {
      int slash = path.lastIndexOf('/');
      Directory directory = directory(path, slash);
      FileTable table = directory == null ? null : directory.files;
      if (table == null) {
        return null;
      }
      int length = key(path, slash + 1);
      return table.get(scratchSegment, length, hash(scratch, 0, length));
    } finally {
      Reference.reachabilityFence(this);
    }
  }

  /** Indexes {@code path} as {@code entry}, and sets its mark. */
  public void put(String path, IndexEntry entry) {
    ensureOpen();
    try {
      int slash = path.lastIndexOf('/');
      Directory directory = top;
      for (int start = firstSegment(slash); start <= slash; ) {
        int end = segmentEnd(path, start, slash);
        directory = directory.childOrCreate(path.substring(start, end));
        start = end + 1;
      }
      int nameLength = key(path, slash + 1);
      int entryLength = entry.encode(scratch, nameLength) - nameLength;
      FileTable table = directory.files;
      if (table == null) {
        table = new FileTable();
        directory.files = table;
      }
      modifications++;
      if (table.put(scratchSegment, nameLength, entryLength, hash(scratch, 0, nameLength))) {
        files++;
      }
    } finally {
      Reference.reachabilityFence(this);
    }
  }

  /** Removes a file; prunes directories left empty. */
  public void remove(String path) {
    ensureOpen();
    try {
      int slash = path.lastIndexOf('/');
      if (removeUnder(top, path, firstSegment(slash), slash)) {
        modifications++;
        files--;
      }
    } finally {
      Reference.reachabilityFence(this);
    }
  }

  /**
   * Removes the file {@code path} names after {@code slash} from the subtree of {@code directory},
   * whose own path is the segments before {@code start}.
   */
  private boolean removeUnder(Directory directory, String path, int start, int slash) {
    if (start > slash) {
      FileTable table = directory.files;
      if (table == null) {
        return false;
      }
      int length = key(path, slash + 1);
      if (!table.remove(scratchSegment, length, hash(scratch, 0, length))) {
        return false;
      }
      if (table.count == 0) {
        table.free();
        directory.files = null;
      }
      return true;
    }
    int end = segmentEnd(path, start, slash);
    String name = path.substring(start, end);
    Directory child = directory.child(name);
    if (child == null || !removeUnder(child, path, end + 1, slash)) {
      return false;
    }
    if (child.isEmpty()) {
      directory.removeChild(name);
    }
    return true;
  }

  /** Whether {@code path} is a directory holding indexed files. */
  public boolean isDirectory(String path) {
    ensureOpen();
    return directory(path, path.length()) != null;
  }

  /** The names of the files directly in {@code directory}. */
  public Set<String> fileNames(String directory) {
    ensureOpen();
    try {
      Directory node = directory(directory, directory.length());
      FileTable table = node == null ? null : node.files;
      return table == null ? Set.of() : table.names();
    } finally {
      Reference.reachabilityFence(this);
    }
  }

  /** The names of the subdirectories of {@code directory} that hold indexed files. */
  public Set<String> directoryNames(String directory) {
    ensureOpen();
    Directory node = directory(directory, directory.length());
    Map<String, Directory> children = node == null ? null : node.children;
    return children == null ? Set.of() : Set.copyOf(children.keySet());
  }

  /**
   * Every file under {@code directory} (its whole subtree), with its relative path. The action may
   * mark and unmark files, not put or remove them.
   */
  public void forEachUnder(String directory, BiConsumer<String, IndexEntry> action) {
    ensureOpen();
    try {
      Directory node = directory(directory, directory.length());
      if (node != null) {
        forEach(node, directory, false, action);
      }
    } finally {
      Reference.reachabilityFence(this);
    }
  }

  /** Clears every file's mark. */
  public void clearMarks() {
    ensureOpen();
    try {
      clearMarks(top);
    } finally {
      Reference.reachabilityFence(this);
    }
  }

  private static void clearMarks(Directory directory) {
    FileTable table = directory.files;
    if (table != null) {
      table.clearMarks();
    }
    Map<String, Directory> children = directory.children;
    if (children != null) {
      for (Directory child : children.values()) {
        clearMarks(child);
      }
    }
  }

  /** Sets the mark of the file {@code path}; false if it is not indexed. */
  public boolean mark(String path) {
    return setMark(path, true);
  }

  /** Clears the mark of the file {@code path}; false if it is not indexed. */
  public boolean unmark(String path) {
    return setMark(path, false);
  }

  private boolean setMark(String path, boolean marked) {
    ensureOpen();
    try {
      int slash = path.lastIndexOf('/');
      Directory directory = directory(path, slash);
      FileTable table = directory == null ? null : directory.files;
      if (table == null) {
        return false;
      }
      int length = key(path, slash + 1);
      return table.setMark(scratchSegment, length, hash(scratch, 0, length), marked);
    } finally {
      Reference.reachabilityFence(this);
    }
  }

  /**
   * Every file whose mark is clear, with its relative path. The action may mark and unmark files,
   * not put or remove them.
   */
  public void forEachUnmarked(BiConsumer<String, IndexEntry> action) {
    ensureOpen();
    try {
      forEach(top, "", true, action);
    } finally {
      Reference.reachabilityFence(this);
    }
  }

  private void forEach(Directory directory, String path, boolean unmarkedOnly, BiConsumer<String, IndexEntry> action) {
    String base = path.isEmpty() ? "" : path + "/";
    FileTable table = directory.files;
    if (table != null) {
      table.forEach(base, unmarkedOnly, action);
    }
    Map<String, Directory> children = directory.children;
    if (children != null) {
      for (Map.Entry<String, Directory> child : children.entrySet()) {
        forEach(child.getValue(), base + child.getKey(), unmarkedOnly, action);
      }
    }
  }

  /**
   * The bytes the index holds, on the heap and off it: the heap's estimated from its arrays'
   * lengths and its objects' usual layouts (12-byte headers, compressed references); for a metric,
   * and the benchmark.
   */
  public long residentBytes() {
    long bytes = align(12 + 7 * 8 + 10 * 4 + 2) + array(1, scratch.length) + align(12 + 8 + 1 + 4 + 8 + 4)
        + array(1, window.length) + array(1, entryScratch.length) + residentBytes(top);
    // The open regions: their memory; on the heap their objects, segments, arenas and sessions,
    // and their lists of tables (capacity up to half again their size).
    bytes += offHeapBytes + regions.size() * (align(12 + 2 * 8 + 4 * 4 + 1) + 40 + 100);
    for (Region region : regions) {
      bytes += array(4, region.tables.size() * 3 / 2);
    }
    return bytes;
  }

  /** The bytes off the heap of every index not closed yet, explicitly or once unreachable. */
  static long offHeapBytesOfAll() {
    return OFF_HEAP_OF_ALL.get();
  }

  /** The part of {@link #residentBytes} off the heap: the regions tables' arenas are cut from. */
  public long offHeapBytes() {
    return offHeapBytes;
  }

  private static long residentBytes(Directory directory) {
    long bytes = align(12 + 4 + 4);
    FileTable table = directory.files;
    if (table != null) {
      // The table, its slots, and its arena's segment (whose bytes its region counts).
      bytes += align(12 + 5 * 4 + 3 * 4) + array(4, table.slots.length) + align(12 + 8 + 1 + 4 + 8);
    }
    Map<String, Directory> children = directory.children;
    if (children != null) {
      int buckets = Integer.highestOneBit(Math.max(4, children.size() * 4 / 3) * 2 - 1);
      bytes += align(12 + 6 * 4 + 3 * 4) + array(4, buckets);
      for (Map.Entry<String, Directory> child : children.entrySet()) {
        String name = child.getKey();
        boolean latin1 = name.chars().allMatch(c -> c < 0x100);
        bytes += align(12 + 4 * 4) + align(12 + 4 + 4 + 1 + 1) + array(latin1 ? 1 : 2, name.length());
        bytes += residentBytes(child.getValue());
      }
    }
    return bytes;
  }

  private static long array(int elementBytes, int length) {
    return align(16 + (long) elementBytes * length);
  }

  private static long align(long bytes) {
    return (bytes + 7) & ~7L;
  }

  /**
   * Frees the off-heap arenas now, rather than once the garbage collector finds them unreachable;
   * the index is empty then, and any use but {@link #size} and {@link #residentBytes} fails.
   */
  @Override
  public void close() {
    if (!closed) {
      closed = true;
      cleanable.clean();
      regions.clear();
      current = null;
      offHeapBytes = 0;
      liveBytes = 0;
      top.children = null;
      top.files = null;
      files = 0;
    }
  }

  /**
   * The region to cut an arena of {@code capacity} bytes from: the current one if it has room,
   * else a new one; one of its own for an arena of more than a quarter of a region.
   */
  private Region regionFor(long capacity) {
    Region region = current;
    if (region != null && region.memory.byteSize() - region.top >= capacity) {
      return region;
    }
    long size = Math.clamp(offHeapBytes / 8, MIN_REGION, MAX_REGION);
    if (capacity > size / 4) {
      return open(capacity);
    }
    current = open(size);
    if (region != null) {
      region.tables.removeIf(table -> table.region != region);
      if (region.live == 0) {
        closeRegion(region);
      }
    }
    if (!reclaiming) {
      reclaim();
    }
    // Moving arenas out of other regions may have filled the new one.
    return regionFor(capacity);
  }

  // Closed by closeRegion, or with the others by close() or the cleaner.
  @SuppressWarnings("MustBeClosedChecker")
  private Region open(long size) {
    Arena arena = Arena.ofShared();
    Region region = new Region(arena, arena.allocate(size, Long.BYTES));
    arenas.add(arena, size);
    regions.add(region);
    offHeapBytes += size;
    return region;
  }

  /** {@code capacity} bytes of {@code region} for {@code table}, which {@link #regionFor} chose. */
  private MemorySegment cut(Region region, long capacity, FileTable table) {
    MemorySegment arena = region.memory.asSlice(region.top, capacity);
    region.top += capacity;
    region.live += capacity;
    liveBytes += capacity;
    region.tables.add(table);
    return arena;
  }

  /** Returns an arena's bytes to its region; closes a region left unused but the current one. */
  private void release(Region region, long bytes) {
    region.live -= bytes;
    liveBytes -= bytes;
    if (region.live == 0 && region != current && !region.evacuating) {
      closeRegion(region);
    }
  }

  /**
   * While the regions hold more than an eighth more than the tables' arenas (not counting the
   * current region's room), moves the arenas out of the region with the most bytes unused and
   * closes it: garbage first, so that the copying is least for what it frees. Called when a region
   * is opened, so a close (a handshake with every thread) comes only after megabytes were cut.
   */
  private void reclaim() {
    reclaiming = true;
    try {
      while (true) {
        Region now = current;
        long room = now == null ? 0 : now.memory.byteSize() - now.top;
        if (offHeapBytes - room - liveBytes <= Math.max(liveBytes / 8, 2 * MIN_REGION)) {
          return;
        }
        Region victim = null;
        for (Region region : regions) {
          if (region != now && (victim == null || unused(region) > unused(victim))) {
            victim = region;
          }
        }
        if (victim == null || unused(victim) * 4 < victim.memory.byteSize()) {
          // No region is a quarter unused: moving three times what it frees is not worth it.
          return;
        }
        victim.evacuating = true;
        for (FileTable table : victim.tables) {
          if (table.region == victim) {
            table.relocate();
            evacuations++;
          }
        }
        closeRegion(victim);
      }
    } finally {
      reclaiming = false;
    }
  }

  private static long unused(Region region) {
    return region.memory.byteSize() - region.live;
  }

  private void closeRegion(Region region) {
    arenas.close(region.arena, region.memory.byteSize());
    regions.remove(region);
    offHeapBytes -= region.memory.byteSize();
    region.tables = List.of();
    regionsClosed++;
  }

  private void ensureOpen() {
    if (closed) {
      throw new IllegalStateException("the index is closed");
    }
  }

  /** How the files' records have moved: for the tests, which must see each case happen. */
  record Churn(long overwrittenInPlace, long moved, long compactions, long rehashes, long evacuations, long regionsClosed) {}

  Churn churn() {
    return new Churn(overwrittenInPlace, moved, compactions, rehashes, evacuations, regionsClosed);
  }

  /**
   * The directory whose path is {@code path} before {@code end} (the index of a slash, or the
   * length), or null. An empty path, or one that is just a slash before the name, is the top.
   */
  private @Nullable Directory directory(String path, int end) {
    Directory directory = top;
    for (int start = firstSegment(end); start <= end; ) {
      int segmentEnd = segmentEnd(path, start, end);
      directory = directory.child(path.substring(start, segmentEnd));
      if (directory == null) {
        return null;
      }
      start = segmentEnd + 1;
    }
    return directory;
  }

  /** Where the walk of the directory segments before {@code end} starts: past it if there are none. */
  private static int firstSegment(int end) {
    return end <= 0 ? end + 1 : 0;
  }

  private static int segmentEnd(String path, int start, int end) {
    int slash = path.indexOf('/', start, end);
    return slash < 0 ? end : slash;
  }

  /** Writes the name that starts at {@code from} of {@code path} to the scratch, with room for an entry after. */
  private int key(String path, int from) {
    int chars = path.length() - from;
    if (chars > MAX_NAME_CHARS) {
      throw new IllegalArgumentException("a file name of " + chars + " characters");
    }
    int room = 3 * chars + IndexEntry.MAX_ENCODED_LENGTH;
    if (scratch.length < room) {
      scratch = new byte[Math.max(room, 2 * scratch.length)];
      scratchSegment = MemorySegment.ofArray(scratch);
    }
    return encodeName(path, from, scratch);
  }

  /**
   * UTF-8, except that a lone surrogate gets the three bytes of its code unit, as a paired one's
   * half would in CESU-8: every String comes back exactly, where {@link String#getBytes} would turn
   * a lone surrogate into a {@code ?} and so alias a real one.
   */
  private static int encodeName(String name, int from, byte[] target) {
    int at = 0;
    int length = name.length();
    for (int i = from; i < length; i++) {
      char c = name.charAt(i);
      if (c < 0x80) {
        target[at++] = (byte) c;
      } else if (c < 0x800) {
        target[at++] = (byte) (0xc0 | (c >> 6));
        target[at++] = (byte) (0x80 | (c & 0x3f));
      } else if (Character.isHighSurrogate(c) && i + 1 < length && Character.isLowSurrogate(name.charAt(i + 1))) {
        int code = Character.toCodePoint(c, name.charAt(++i));
        target[at++] = (byte) (0xf0 | (code >> 18));
        target[at++] = (byte) (0x80 | ((code >> 12) & 0x3f));
        target[at++] = (byte) (0x80 | ((code >> 6) & 0x3f));
        target[at++] = (byte) (0x80 | (code & 0x3f));
      } else {
        target[at++] = (byte) (0xe0 | (c >> 12));
        target[at++] = (byte) (0x80 | ((c >> 6) & 0x3f));
        target[at++] = (byte) (0x80 | (c & 0x3f));
      }
    }
    return at;
  }

  /** The name that {@link #encodeName} wrote. */
  private static String decodeName(byte[] source, int offset, int length) {
    char[] chars = new char[length];
    int count = 0;
    int end = offset + length;
    for (int at = offset; at < end; ) {
      int b = source[at++];
      if (b >= 0) {
        chars[count++] = (char) b;
      } else if ((b & 0xe0) == 0xc0) {
        chars[count++] = (char) (((b & 0x1f) << 6) | (source[at++] & 0x3f));
      } else if ((b & 0xf0) == 0xe0) {
        chars[count++] = (char) (((b & 0x0f) << 12) | ((source[at] & 0x3f) << 6) | (source[at + 1] & 0x3f));
        at += 2;
      } else {
        int code = ((b & 0x07) << 18) | ((source[at] & 0x3f) << 12) | ((source[at + 1] & 0x3f) << 6)
            | (source[at + 2] & 0x3f);
        at += 3;
        chars[count++] = Character.highSurrogate(code);
        chars[count++] = Character.lowSurrogate(code);
      }
    }
    return new String(chars, 0, count);
  }

  private static int hash(byte[] bytes, int offset, int length) {
    int h = length;
    for (int i = offset; i < offset + length; i++) {
      h = 31 * h + bytes[i];
    }
    return mix(h);
  }

  private static int mix(int hash) {
    int h = hash;
    // Murmur3's finalizer: the slot is taken from the high bits, which a polynomial alone leaves
    // alike for names that differ only at their end.
    h ^= h >>> 16;
    h *= 0x85ebca6b;
    h ^= h >>> 13;
    h *= 0xc2b2ae35;
    return h ^ (h >>> 16);
  }

  /** Maps the hash onto {@code [0, capacity)} without a division or a power-of-two capacity. */
  private static int home(int hash, int capacity) {
    return (int) ((Integer.toUnsignedLong(hash) * capacity) >>> 32);
  }

  /** {@link Varint#write} into a segment. */
  private static int writeVarint(MemorySegment target, int offset, long value) {
    int at = offset;
    long rest = value;
    while ((rest & ~0x7fL) != 0) {
      target.set(JAVA_BYTE, at++, (byte) ((rest & 0x7f) | 0x80));
      rest >>>= 7;
    }
    target.set(JAVA_BYTE, at++, (byte) rest);
    return at;
  }

  private static int header(byte[] bytes, int offset) {
    int value = 0;
    for (int at = offset, shift = 0; ; shift += 7) {
      byte b = bytes[at++];
      value |= (b & 0x7f) << shift;
      if (b >= 0) {
        return value;
      }
    }
  }

  private static int header(MemorySegment bytes, int offset) {
    int value = 0;
    for (int at = offset, shift = 0; ; shift += 7) {
      byte b = bytes.get(JAVA_BYTE, at++);
      value |= (b & 0x7f) << shift;
      if (b >= 0) {
        return value;
      }
    }
  }

  /** The arenas of an index's open regions; run, closes them. Holds nothing that holds the index. */
  private static final class OpenArenas implements Runnable {
    private final Set<Arena> arenas = new HashSet<>();
    private long bytes;

    void add(Arena arena, long size) {
      arenas.add(arena);
      bytes += size;
      OFF_HEAP_OF_ALL.addAndGet(size);
    }

    void close(Arena arena, long size) {
      arenas.remove(arena);
      bytes -= size;
      OFF_HEAP_OF_ALL.addAndGet(-size);
      arena.close();
    }

    @Override
    public void run() {
      for (Arena arena : arenas) {
        arena.close();
      }
      arenas.clear();
      OFF_HEAP_OF_ALL.addAndGet(-bytes);
      bytes = 0;
    }
  }

  /**
   * Memory off the heap, in a shared arena of its own, that tables' arenas are cut from front to
   * back. A table that replaces its arena returns the old one's bytes; see {@link #reclaim}.
   */
  private static final class Region {
    private final Arena arena;
    private final MemorySegment memory;
    /** Where the next arena is cut. */
    private long top;
    /** The bytes of the arenas cut here and not returned. */
    private long live;
    /** The tables given an arena here: those that still have it, and some that have moved on. */
    private List<FileTable> tables = new ArrayList<>();
    private boolean evacuating;

    Region(Arena arena, MemorySegment memory) {
      this.arena = arena;
      this.memory = memory;
    }
  }

  /** A directory: its subdirectories by name, and its files; both allocated on first use. */
  private static final class Directory {
    private @Nullable Map<String, Directory> children;
    private @Nullable FileTable files;

    @Nullable Directory child(String name) {
      Map<String, Directory> map = children;
      return map == null ? null : map.get(name);
    }

    Directory childOrCreate(String name) {
      Map<String, Directory> map = children;
      if (map == null) {
        map = new HashMap<>(4);
        children = map;
      }
      return map.computeIfAbsent(name, n -> new Directory());
    }

    void removeChild(String name) {
      Map<String, Directory> map = children;
      if (map != null) {
        map.remove(name);
        if (map.isEmpty()) {
          children = null;
        }
      }
    }

    boolean isEmpty() {
      return children == null && files == null;
    }
  }

  /**
   * One directory's files, packed: records {@code [header][name][entry]} appended to one arena, the
   * header a varint of the name's byte length shifted left twice, the mark in bit 1 (bit 0 clear),
   * the name as {@link #encodeName} writes it, the entry in {@link IndexEntry}'s byte form. An
   * open-addressing table (linear probing, at most three quarters full counting tombstones) holds
   * each record's offset plus one, zero being an empty slot and -1 a removed one; a lookup compares
   * the name's bytes in place.
   *
   * <p>A record that a remove or a longer entry leaves behind, and the tail of an entry overwritten
   * by a shorter one, become a gap: a varint of its length shifted left once, bit 0 set. So the
   * arena can be walked in order, and is whenever it is read whole (a listing, a visit, a rehash,
   * a compaction): sequential reads, where the table's order would miss the cache on every record
   * of a large directory. The gaps are reclaimed by copying the live records to a new arena when
   * they outnumber the live bytes, or when the arena is full and more of it is dead than growing
   * would add.
   *
   * <p>The arena grows by an eighth: at most a ninth of it is slack, where a record is some 40
   * bytes and its slot 4, and copying each byte eight times over, amortized, costs little beside
   * the cache misses of a lookup. The table grows by half, and shrinks when a quarter full. A
   * directory's records must fit in 2 GiB, some fifty million files.
   *
   * <p>The arena is off the heap, cut from a {@link Region}; the table returns it when it replaces
   * it (grown or compacted) or empties, and moves to another when its region is mostly unused.
   */
  private final class FileTable {
    private MemorySegment arena = NO_BYTES;
    /** The region {@link #arena} was cut from; null while the table has none. */
    private @Nullable Region region;
    /** The end of the last record or gap. */
    private int end;
    /** The bytes of the records, not counting gaps. */
    private int live;
    private int[] slots = NO_SLOTS;
    private int count;
    private int tombstones;

    @Nullable IndexEntry get(MemorySegment key, int length, int hash) {
      int slot = find(key, length, hash);
      return slot < 0 ? null : entryAt(entryOffset(slots[slot] - 1));
    }

    /**
     * Puts the name {@code key[0, nameLength)} with the entry that follows it in {@code key}, and
     * marks it.
     *
     * @return whether the name is new
     */
    boolean put(MemorySegment key, int nameLength, int entryLength, int hash) {
      if ((count + tombstones + 1) * 4L > slots.length * 3L) {
        rebuild(2 * (count + 1), false, 0);
      }
      int slot = find(key, nameLength, hash);
      if (slot >= 0) {
        int record = slots[slot] - 1;
        int entry = entryOffset(record);
        int old = entryLength(entry);
        if (entryLength <= old) {
          MemorySegment.copy(key, nameLength, arena, entry, entryLength);
          arena.set(JAVA_BYTE, record, (byte) (arena.get(JAVA_BYTE, record) | MARK));
          if (entryLength < old) {
            gap(entry + entryLength, old - entryLength);
          }
          overwrittenInPlace++;
          compactIfMostlyDead();
          return false;
        }
        // Removed, then put anew: the append may compact and rebuild the table.
        gap(record, entry + old - record);
        slots[slot] = TOMBSTONE;
        tombstones++;
        count--;
        moved++;
      }
      insert(append(key, nameLength, entryLength), hash);
      count++;
      if (slot >= 0) {
        compactIfMostlyDead();
      }
      return slot < 0;
    }

    /** Removes the name {@code key[0, length)}; whether it was there. */
    boolean remove(MemorySegment key, int length, int hash) {
      int slot = find(key, length, hash);
      if (slot < 0) {
        return false;
      }
      int record = slots[slot] - 1;
      gap(record, recordLength(record));
      slots[slot] = TOMBSTONE;
      tombstones++;
      count--;
      if (count > 0) {
        boolean sparse = count * 4L < slots.length;
        boolean mostlyDead = end - live > live;
        if (sparse || mostlyDead) {
          rebuild(sparse ? 2 * count : slots.length, mostlyDead, live);
        }
      }
      return true;
    }

    boolean setMark(MemorySegment key, int length, int hash, boolean marked) {
      int slot = find(key, length, hash);
      if (slot < 0) {
        return false;
      }
      int record = slots[slot] - 1;
      byte header = arena.get(JAVA_BYTE, record);
      arena.set(JAVA_BYTE, record, (byte) (marked ? header | MARK : header & ~MARK));
      return true;
    }

    void clearMarks() {
      for (int at = 0; at < end; ) {
        int header = copyRecord(at);
        if ((header & GAP) == 0) {
          arena.set(JAVA_BYTE, at, (byte) (window[0] & ~MARK));
        }
        at += windowLength(header);
      }
    }

    Set<String> names() {
      String[] names = new String[count];
      int i = 0;
      for (int at = 0; at < end; ) {
        int header = copyRecord(at);
        if ((header & GAP) == 0) {
          names[i++] = decodeName(window, Varint.length(header), header >>> 2);
        }
        at += windowLength(header);
      }
      return Set.of(names);
    }

    void forEach(String base, boolean unmarkedOnly, BiConsumer<String, IndexEntry> action) {
      int expected = modifications;
      for (int at = 0; at < end; ) {
        int header = copyRecord(at);
        int next = at + windowLength(header);
        if ((header & GAP) == 0 && !(unmarkedOnly && (header & MARK) != 0)) {
          int name = Varint.length(header);
          int nameLength = header >>> 2;
          // Both read before the action, which may walk another table through the window.
          String path = base + decodeName(window, name, nameLength);
          action.accept(path, IndexEntry.decode(window, name + nameLength));
          if (modifications != expected) {
            throw new ConcurrentModificationException("the index changed during a visit of its files");
          }
        }
        at = next;
      }
    }

    /** Returns the arena; the table is empty then. */
    void free() {
      end = 0;
      replaceArena(null, NO_BYTES);
      live = 0;
      slots = NO_SLOTS;
      count = 0;
      tombstones = 0;
    }

    /** The slot holding the name {@code key[0, length)}, or -1. */
    private int find(MemorySegment key, int length, int hash) {
      int[] table = slots;
      int capacity = table.length;
      if (capacity == 0) {
        return -1;
      }
      for (int slot = home(hash, capacity); ; ) {
        int value = table[slot];
        if (value == 0) {
          return -1;
        }
        if (value != TOMBSTONE) {
          int record = value - 1;
          int header = header(arena, record);
          if (header >>> 2 == length) {
            int name = record + Varint.length(header);
            if (MemorySegment.mismatch(arena, name, name + length, key, 0, length) < 0) {
              return slot;
            }
          }
        }
        if (++slot == capacity) {
          slot = 0;
        }
      }
    }

    /** Puts a record known not to be in the table in the first free slot of its probe sequence. */
    private void insert(int record, int hash) {
      int[] table = slots;
      int capacity = table.length;
      int slot = home(hash, capacity);
      while (table[slot] > 0) {
        if (++slot == capacity) {
          slot = 0;
        }
      }
      if (table[slot] == TOMBSTONE) {
        tombstones--;
      }
      table[slot] = record + 1;
    }

    /**
     * Makes a table of {@code capacity} slots from the arena, without tombstones; with {@code
     * compact}, copies the records to a new arena with room for {@code need} bytes and an eighth
     * more.
     */
    private void rebuild(int capacity, boolean compact, long need) {
      long size = compact ? capacity(need + (need >> 3), need) : 0;
      // First: making room may move this table's arena.
      Region targetRegion = compact ? regionFor(size) : null;
      MemorySegment target = targetRegion != null ? cut(targetRegion, size, this) : null;
      MemorySegment source = arena;
      slots = new int[capacity];
      tombstones = 0;
      int to = 0;
      for (int at = 0; at < end; ) {
        int header = copyRecord(at);
        int length = windowLength(header);
        if ((header & GAP) == 0) {
          int record = compact ? to : at;
          if (target != null) {
            MemorySegment.copy(source, at, target, to, length);
            to += length;
          }
          insert(record, hash(window, Varint.length(header), header >>> 2));
        }
        at += length;
      }
      if (target != null) {
        // First: returning the old arena may move this table's.
        end = to;
        replaceArena(targetRegion, target);
        compactions++;
      } else {
        rehashes++;
      }
    }

    /** Returns the arena to its region and takes {@code next}, cut from {@code nextRegion}. */
    private void replaceArena(@Nullable Region nextRegion, MemorySegment next) {
      Region old = region;
      long bytes = arena.byteSize();
      region = nextRegion;
      arena = next;
      if (old != null) {
        release(old, bytes);
      }
    }

    /**
     * Grows the arena to {@code size} bytes where it is, if it was the last cut from the current
     * region and the region has room: as it is while a scan or a snapshot fills one directory
     * after another.
     */
    private boolean growInPlace(long size) {
      Region at = region;
      if (at == null || at != current) {
        return false;
      }
      long offset = arena.address() - at.memory.address();
      long extra = size - arena.byteSize();
      if (offset + arena.byteSize() != at.top || at.memory.byteSize() - at.top < extra) {
        return false;
      }
      at.top += extra;
      at.live += extra;
      liveBytes += extra;
      arena = at.memory.asSlice(offset, size);
      return true;
    }

    /** Copies the records to an arena of the same size in the current region. */
    void relocate() {
      Region from = region;
      long size = arena.byteSize();
      Region target = regionFor(size);
      if (region != from) {
        return; // moved already, out of a region emptied to make room
      }
      MemorySegment next = cut(target, size, this);
      MemorySegment.copy(arena, 0, next, 0, end);
      replaceArena(target, next);
    }

    /** Appends a marked record; returns its offset. */
    private int append(MemorySegment key, int nameLength, int entryLength) {
      int header = (nameLength << 2) | MARK;
      int length = Varint.length(header) + nameLength + entryLength;
      if ((long) end + length > arena.byteSize()) {
        if (end - live > live >> 3) {
          rebuild(slots.length, true, (long) live + length);
        } else {
          long grown = Math.max((long) end + length, arena.byteSize() + (arena.byteSize() >> 3) + 16L);
          long size = capacity(grown, (long) end + length);
          if (!growInPlace(size)) {
            // Before the copy: making room may move this table's arena.
            Region target = regionFor(size);
            MemorySegment next = cut(target, size, this);
            MemorySegment.copy(arena, 0, next, 0, end);
            replaceArena(target, next);
          }
        }
      }
      int record = end;
      int at = writeVarint(arena, record, header);
      MemorySegment.copy(key, 0, arena, at, nameLength + entryLength);
      end = at + nameLength + entryLength;
      live += length;
      return record;
    }

    /** Turns {@code length} bytes at {@code offset}, a record or an entry's tail, into a gap. */
    private void gap(int offset, int length) {
      writeVarint(arena, offset, ((long) length << 1) | GAP);
      live -= length;
    }

    private void compactIfMostlyDead() {
      if (end - live > live) {
        rebuild(slots.length, true, live);
      }
    }

    private int capacity(long wanted, long need) {
      if (need > MAX_ARRAY) {
        throw new IllegalStateException("a directory's files outgrow the index's " + MAX_ARRAY + " bytes a directory");
      }
      return (int) Math.min(wanted, MAX_ARRAY);
    }

    /** The length of the record or gap at {@code at}, whose header is {@code header}. */
    private int length(int at, int header) {
      if ((header & GAP) != 0) {
        return header >>> 1;
      }
      int entry = at + Varint.length(header) + (header >>> 2);
      return entry - at + entryLength(entry);
    }

    private int entryOffset(int record) {
      int header = header(arena, record);
      return record + Varint.length(header) + (header >>> 2);
    }

    private int recordLength(int record) {
      return length(record, header(arena, record));
    }

    /**
     * Copies the record or gap at {@code at} to {@link #window}, a record whole: a walk makes one
     * bulk copy a record, where reads in place would each check bounds and liveness.
     *
     * @return its header
     */
    private int copyRecord(int at) {
      byte[] bytes = window;
      int copied = Math.min(bytes.length, end - at);
      MemorySegment.copy(arena, JAVA_BYTE, at, bytes, 0, copied);
      int header = header(bytes, 0);
      if ((header & GAP) == 0) {
        int whole = Varint.length(header) + (header >>> 2) + IndexEntry.MAX_ENCODED_LENGTH;
        if (whole > copied && end - at > copied) {
          if (bytes.length < whole) {
            bytes = new byte[Math.max(whole, 2 * bytes.length)];
            window = bytes;
          }
          MemorySegment.copy(arena, JAVA_BYTE, at, bytes, 0, Math.min(whole, end - at));
        }
      }
      return header;
    }

    /** The length of the record or gap in {@link #window}, whose header is {@code header}. */
    private int windowLength(int header) {
      if ((header & GAP) != 0) {
        return header >>> 1;
      }
      int entry = Varint.length(header) + (header >>> 2);
      return entry + IndexEntry.encodedLength(window, entry);
    }

    private IndexEntry entryAt(int offset) {
      return IndexEntry.decode(copyEntry(offset), 0);
    }

    private int entryLength(int offset) {
      return IndexEntry.encodedLength(copyEntry(offset), 0);
    }

    /** The bytes at {@code offset}, as many as an entry may take, in {@link #entryScratch}. */
    private byte[] copyEntry(int offset) {
      int length = (int) Math.min(IndexEntry.MAX_ENCODED_LENGTH, arena.byteSize() - offset);
      MemorySegment.copy(arena, JAVA_BYTE, offset, entryScratch, 0, length);
      return entryScratch;
    }
  }
}
