package io.hashstream.producer.internal;

import java.util.Arrays;
import java.util.ConcurrentModificationException;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;
import org.jspecify.annotations.Nullable;

/**
 * One root's index: relative path → {@link IndexEntry}, stored as a tree of directories so that a
 * directory's files can be listed and a whole subtree retired without scanning every entry, and so
 * that directory names are stored once. Owned by the tracker's thread; not thread-safe.
 *
 * <p>A producer indexes millions of files, so a file costs no object of its own: each directory
 * packs its files into one byte array (see {@link FileTable}), at most an eighth more than the
 * bytes of their names and encoded entries, plus five to eight bytes of hash table a file. Names
 * of 20 characters cost some 42 bytes a file where a map of entries took 161 ({@code
 * IndexTest.heapCostPerFile}). {@link #get} therefore decodes a new entry each time.
 *
 * <p>Each file has a mark bit, for a background comparison with the hash table: {@link #put} sets
 * it (a fresh entry counts as agreeing); {@link #clearMarks}, {@link #mark} and {@link #unmark}
 * record what the comparison found, and {@link #forEachUnmarked} visits the rest.
 *
 * <p>Paths are relative, with {@code /} separators; the root directory is {@code ""}.
 */
public final class Index {
  private static final byte[] NO_BYTES = {};
  private static final int[] NO_SLOTS = {};
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

  private long overwrittenInPlace;
  private long moved;
  private long compactions;
  private long rehashes;

  /** The number of files. */
  public long size() {
    return files;
  }

  public @Nullable IndexEntry get(String path) {
    int slash = path.lastIndexOf('/');
    Directory directory = directory(path, slash);
    FileTable table = directory == null ? null : directory.files;
    if (table == null) {
      return null;
    }
    int length = key(path, slash + 1);
    return table.get(scratch, length, hash(scratch, 0, length));
  }

  /** Indexes {@code path} as {@code entry}, and sets its mark. */
  public void put(String path, IndexEntry entry) {
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
    if (table.put(scratch, nameLength, entryLength, hash(scratch, 0, nameLength))) {
      files++;
    }
  }

  /** Removes a file; prunes directories left empty. */
  public void remove(String path) {
    int slash = path.lastIndexOf('/');
    if (removeUnder(top, path, firstSegment(slash), slash)) {
      modifications++;
      files--;
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
      if (!table.remove(scratch, length, hash(scratch, 0, length))) {
        return false;
      }
      if (table.count == 0) {
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
    return directory(path, path.length()) != null;
  }

  /** The names of the files directly in {@code directory}. */
  public Set<String> fileNames(String directory) {
    Directory node = directory(directory, directory.length());
    FileTable table = node == null ? null : node.files;
    return table == null ? Set.of() : table.names();
  }

  /** The names of the subdirectories of {@code directory} that hold indexed files. */
  public Set<String> directoryNames(String directory) {
    Directory node = directory(directory, directory.length());
    Map<String, Directory> children = node == null ? null : node.children;
    return children == null ? Set.of() : Set.copyOf(children.keySet());
  }

  /**
   * Every file under {@code directory} (its whole subtree), with its relative path. The action may
   * mark and unmark files, not put or remove them.
   */
  public void forEachUnder(String directory, BiConsumer<String, IndexEntry> action) {
    Directory node = directory(directory, directory.length());
    if (node != null) {
      forEach(node, directory, false, action);
    }
  }

  /** Clears every file's mark. */
  public void clearMarks() {
    clearMarks(top);
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
    int slash = path.lastIndexOf('/');
    Directory directory = directory(path, slash);
    FileTable table = directory == null ? null : directory.files;
    if (table == null) {
      return false;
    }
    int length = key(path, slash + 1);
    return table.setMark(scratch, length, hash(scratch, 0, length), marked);
  }

  /**
   * Every file whose mark is clear, with its relative path. The action may mark and unmark files,
   * not put or remove them.
   */
  public void forEachUnmarked(BiConsumer<String, IndexEntry> action) {
    forEach(top, "", true, action);
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
   * The bytes the index holds on the heap, estimated from its arrays' lengths and its objects'
   * usual layouts (12-byte headers, compressed references): for a metric, and the benchmark.
   */
  public long residentBytes() {
    return align(12 + 8 + 4 + 4 + 4 * 8) + array(1, scratch.length) + residentBytes(top);
  }

  private static long residentBytes(Directory directory) {
    long bytes = align(12 + 4 + 4);
    FileTable table = directory.files;
    if (table != null) {
      bytes += align(12 + 3 * 4 + 4 * 4) + array(1, table.arena.length) + array(4, table.slots.length);
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

  /** How the files' records have moved: for the tests, which must see each case happen. */
  record Churn(long overwrittenInPlace, long moved, long compactions, long rehashes) {}

  Churn churn() {
    return new Churn(overwrittenInPlace, moved, compactions, rehashes);
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
   */
  private final class FileTable {
    private byte[] arena = NO_BYTES;
    /** The end of the last record or gap. */
    private int end;
    /** The bytes of the records, not counting gaps. */
    private int live;
    private int[] slots = NO_SLOTS;
    private int count;
    private int tombstones;

    @Nullable IndexEntry get(byte[] key, int length, int hash) {
      int slot = find(key, length, hash);
      return slot < 0 ? null : IndexEntry.decode(arena, entryOffset(slots[slot] - 1));
    }

    /**
     * Puts the name {@code key[0, nameLength)} with the entry that follows it in {@code key}, and
     * marks it.
     *
     * @return whether the name is new
     */
    boolean put(byte[] key, int nameLength, int entryLength, int hash) {
      if ((count + tombstones + 1) * 4L > slots.length * 3L) {
        rebuild(2 * (count + 1), false, 0);
      }
      int slot = find(key, nameLength, hash);
      if (slot >= 0) {
        int record = slots[slot] - 1;
        int entry = entryOffset(record);
        int old = IndexEntry.encodedLength(arena, entry);
        if (entryLength <= old) {
          System.arraycopy(key, nameLength, arena, entry, entryLength);
          arena[record] = (byte) (arena[record] | MARK);
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
    boolean remove(byte[] key, int length, int hash) {
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

    boolean setMark(byte[] key, int length, int hash, boolean marked) {
      int slot = find(key, length, hash);
      if (slot < 0) {
        return false;
      }
      int record = slots[slot] - 1;
      arena[record] = (byte) (marked ? arena[record] | MARK : arena[record] & ~MARK);
      return true;
    }

    void clearMarks() {
      for (int at = 0; at < end; ) {
        int header = header(arena, at);
        if ((header & GAP) == 0) {
          arena[at] = (byte) (arena[at] & ~MARK);
        }
        at += length(at, header);
      }
    }

    Set<String> names() {
      String[] names = new String[count];
      int i = 0;
      for (int at = 0; at < end; ) {
        int header = header(arena, at);
        if ((header & GAP) == 0) {
          names[i++] = decodeName(arena, at + Varint.length(header), header >>> 2);
        }
        at += length(at, header);
      }
      return Set.of(names);
    }

    void forEach(String base, boolean unmarkedOnly, BiConsumer<String, IndexEntry> action) {
      int expected = modifications;
      for (int at = 0; at < end; ) {
        int header = header(arena, at);
        int next = at + length(at, header);
        if ((header & GAP) == 0 && !(unmarkedOnly && (header & MARK) != 0)) {
          int name = at + Varint.length(header);
          int nameLength = header >>> 2;
          action.accept(base + decodeName(arena, name, nameLength), IndexEntry.decode(arena, name + nameLength));
          if (modifications != expected) {
            throw new ConcurrentModificationException("the index changed during a visit of its files");
          }
        }
        at = next;
      }
    }

    /** The slot holding the name {@code key[0, length)}, or -1. */
    private int find(byte[] key, int length, int hash) {
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
            if (Arrays.equals(arena, name, name + length, key, 0, length)) {
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
      byte[] source = arena;
      byte[] target = compact ? new byte[capacity(need + (need >> 3), need)] : source;
      slots = new int[capacity];
      tombstones = 0;
      int to = 0;
      for (int at = 0; at < end; ) {
        int header = header(source, at);
        int length = length(at, header);
        if ((header & GAP) == 0) {
          int record = compact ? to : at;
          if (compact) {
            System.arraycopy(source, at, target, to, length);
            to += length;
          }
          insert(record, hash(source, at + Varint.length(header), header >>> 2));
        }
        at += length;
      }
      if (compact) {
        arena = target;
        end = to;
        compactions++;
      } else {
        rehashes++;
      }
    }

    /** Appends a marked record; returns its offset. */
    private int append(byte[] key, int nameLength, int entryLength) {
      int header = (nameLength << 2) | MARK;
      int length = Varint.length(header) + nameLength + entryLength;
      if ((long) end + length > arena.length) {
        if (end - live > live >> 3) {
          rebuild(slots.length, true, (long) live + length);
        } else {
          long grown = Math.max((long) end + length, arena.length + (arena.length >> 3) + 16L);
          arena = Arrays.copyOf(arena, capacity(grown, (long) end + length));
        }
      }
      int record = end;
      int at = Varint.write(arena, record, header);
      System.arraycopy(key, 0, arena, at, nameLength + entryLength);
      end = at + nameLength + entryLength;
      live += length;
      return record;
    }

    /** Turns {@code length} bytes at {@code offset}, a record or an entry's tail, into a gap. */
    private void gap(int offset, int length) {
      Varint.write(arena, offset, ((long) length << 1) | GAP);
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
      return entry - at + IndexEntry.encodedLength(arena, entry);
    }

    private int entryOffset(int record) {
      int header = header(arena, record);
      return record + Varint.length(header) + (header >>> 2);
    }

    private int recordLength(int record) {
      return length(record, header(arena, record));
    }
  }
}
