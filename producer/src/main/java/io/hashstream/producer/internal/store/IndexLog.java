package io.hashstream.producer.internal.store;

import io.hashstream.producer.internal.IndexEntry;
import io.hashstream.producer.internal.Varint;
import java.io.BufferedInputStream;
import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.zip.CRC32C;
import org.jspecify.annotations.Nullable;

/**
 * The changes since a snapshot, appended as they happen. Each record is its length, its bytes and
 * their CRC-32C, so a record cut short by a crash, and everything after it, is recognised and left
 * out: what the log holds is always a prefix of what was written. Not thread-safe: one owner.
 *
 * <p>Layout: {@code "HSIL"}, a version byte and the generation of the snapshot it continues (a log
 * of another generation is stale: its changes are in the snapshot already); then records, each a
 * kind byte ({@code 1} put, {@code 2} remove, {@code 3} table position) and its fields.
 */
final class IndexLog implements AutoCloseable {
  private static final int MAGIC = 0x4853494c; // "HSIL"
  private static final int VERSION = 1;
  private static final int HEADER = 4 + 1 + 8;
  static final byte PUT = 1;
  static final byte REMOVE = 2;
  static final byte POSITION = 3;
  private static final int FLUSH_AT = 1 << 16;

  /** What replaying a log meets, in order. */
  interface Visitor {
    void put(String root, String path, IndexEntry entry);

    void remove(String root, String path);

    void position(TablePosition position);
  }

  /** What a replay found: the records taken, and the bytes of a damaged tail left out. */
  record Replayed(long records, long validBytes, long damagedBytes) {}

  private final FileChannel channel;
  private final RecordBuffer pending = new RecordBuffer(FLUSH_AT * 2);
  private final RecordBuffer payload = new RecordBuffer(512);
  private final byte[] entryBytes = new byte[IndexEntry.MAX_ENCODED_LENGTH];
  private final CRC32C crc = new CRC32C();
  private long size;
  private boolean unsynced;

  private IndexLog(FileChannel channel, long size) {
    this.channel = channel;
    this.size = size;
  }

  /** Creates an empty log of {@code generation} at {@code file}, replacing any, atomically. */
  static IndexLog create(Path file, long generation) throws IOException {
    Path temporary = file.resolveSibling(file.getFileName() + ".tmp");
    try (FileChannel channel =
        FileChannel.open(temporary, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE)) {
      ByteBuffer header = ByteBuffer.allocate(HEADER).putInt(MAGIC).put((byte) VERSION).putLong(generation).flip();
      while (header.hasRemaining()) {
        channel.write(header);
      }
      channel.force(true);
    }
    Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    IndexSnapshot.syncDirectoryOf(file);
    return append(file, HEADER);
  }

  /** Opens {@code file} to append after its first {@code validBytes}; a damaged tail is cut off. */
  static IndexLog append(Path file, long validBytes) throws IOException {
    FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE);
    try {
      if (channel.size() > validBytes) {
        channel.truncate(validBytes);
        channel.force(true);
      }
      channel.position(validBytes);
      return new IndexLog(channel, validBytes);
    } catch (IOException e) {
      channel.close();
      throw e;
    }
  }

  /**
   * Replays the log at {@code file} if it continues snapshot {@code generation}.
   *
   * @return null if there is no such log (missing, or of another generation)
   * @throws IOException if it cannot be read
   */
  static @Nullable Replayed replay(Path file, long generation, Visitor visitor) throws IOException {
    if (!Files.exists(file)) {
      return null;
    }
    try (InputStream raw = new BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
      DataInputStream in = new DataInputStream(raw);
      long fileSize = Files.size(file);
      try {
        if (in.readInt() != MAGIC || in.readUnsignedByte() != VERSION || in.readLong() != generation) {
          return null;
        }
      } catch (EOFException e) {
        return null;
      }
      long valid = HEADER;
      long records = 0;
      CRC32C check = new CRC32C();
      byte[] record = new byte[256];
      byte[] sum = new byte[4];
      while (true) {
        int length;
        try {
          length = StoreFormat.readLength(in);
          if (length > record.length) {
            record = new byte[Math.max(length, record.length * 2)];
          }
          StoreFormat.readFully(in, record, 0, length);
          StoreFormat.readFully(in, sum, 0, 4);
        } catch (IOException e) {
          break;
        }
        check.reset();
        check.update(record, 0, length);
        if ((int) check.getValue() != IndexSnapshot.intOf(sum) || !apply(record, length, visitor)) {
          break;
        }
        valid += varintLength(length) + length + 4;
        records++;
      }
      return new Replayed(records, valid, fileSize - valid);
    }
  }

  private static boolean apply(byte[] record, int length, Visitor visitor) {
    try {
      DataInputStream in = new DataInputStream(new ByteArrayInputStream(record, 0, length));
      byte kind = in.readByte();
      switch (kind) {
        case PUT -> {
          String root = StoreFormat.readString(in);
          String path = StoreFormat.readString(in);
          int entryLength = in.readUnsignedByte();
          byte[] bytes = new byte[IndexEntry.MAX_ENCODED_LENGTH];
          if (entryLength == 0 || entryLength > bytes.length) {
            return false;
          }
          StoreFormat.readFully(in, bytes, 0, entryLength);
          if (IndexEntry.encodedLength(bytes, 0) != entryLength) {
            return false;
          }
          visitor.put(root, path, IndexEntry.decode(bytes, 0));
        }
        case REMOVE -> visitor.remove(StoreFormat.readString(in), StoreFormat.readString(in));
        case POSITION -> visitor.position(StoreFormat.readPosition(in));
        default -> {
          return false;
        }
      }
      return true;
    } catch (IOException | RuntimeException e) {
      // A record whose checksum matches but which does not parse: written by another version.
      return false;
    }
  }

  void put(String root, String path, IndexEntry entry) throws IOException {
    payload.reset();
    payload.write(PUT);
    StoreFormat.writeString(payload, root);
    StoreFormat.writeString(payload, path);
    int length = entry.encode(entryBytes, 0);
    payload.write(length);
    payload.write(entryBytes, 0, length);
    record();
  }

  void remove(String root, String path) throws IOException {
    payload.reset();
    payload.write(REMOVE);
    StoreFormat.writeString(payload, root);
    StoreFormat.writeString(payload, path);
    record();
  }

  void position(TablePosition position) throws IOException {
    payload.reset();
    payload.write(POSITION);
    StoreFormat.writePosition(payload, position);
    record();
  }

  private void record() throws IOException {
    crc.reset();
    crc.update(payload.array(), 0, payload.size());
    StoreFormat.writeVarint(pending, payload.size());
    pending.write(payload.array(), 0, payload.size());
    pending.write(IndexSnapshot.intBytes((int) crc.getValue()));
    if (pending.size() >= FLUSH_AT) {
      flush();
    }
  }

  /** Hands what was appended to the operating system: it survives the process, not the machine. */
  void flush() throws IOException {
    if (pending.size() == 0) {
      return;
    }
    ByteBuffer buffer = ByteBuffer.wrap(pending.array(), 0, pending.size());
    while (buffer.hasRemaining()) {
      size += channel.write(buffer);
    }
    pending.reset();
    unsynced = true;
  }

  /** Flushes, then makes it durable (fsync). */
  void sync() throws IOException {
    flush();
    if (unsynced) {
      channel.force(false);
      unsynced = false;
    }
  }

  /** The bytes written so far, header included. */
  long size() {
    return size + pending.size();
  }

  @Override
  public void close() throws IOException {
    try {
      sync();
    } finally {
      channel.close();
    }
  }

  private static int varintLength(int value) {
    return Varint.length(value);
  }
}
