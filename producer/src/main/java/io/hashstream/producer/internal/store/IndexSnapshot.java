package io.hashstream.producer.internal.store;

import io.hashstream.producer.internal.Index;
import io.hashstream.producer.internal.IndexEntry;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.CRC32C;
import java.util.zip.CheckedInputStream;
import java.util.zip.CheckedOutputStream;

/**
 * The whole index at one moment, in one file written atomically (a temporary file, fsync, rename,
 * fsync of the directory): after a crash the file is the last complete snapshot or the one before.
 *
 * <p>Layout: {@code "HSIX"}, a version byte, the generation (the log that continues it carries the
 * same one), the {@link TablePosition}, then per root its name, its file count and its files, each as
 * the length of the prefix it shares with the previous path, the rest of the path, and the entry's
 * byte form behind its length; last the CRC-32C of everything before it. Paths come in the index's
 * own order, which keeps a directory's files together, so the shared prefixes are long.
 */
final class IndexSnapshot {
  private static final int MAGIC = 0x48534958; // "HSIX"
  private static final int VERSION = 1;
  private static final int BUFFER = 1 << 20;

  /** What a snapshot holds. */
  record Contents(long generation, TablePosition position, Map<String, Index> indexes) {}

  private IndexSnapshot() {}

  /** Writes a snapshot of {@code indexes} to {@code file}, replacing it atomically. */
  static void write(Path file, long generation, TablePosition position, Map<String, Index> indexes) throws IOException {
    Path temporary = file.resolveSibling(file.getFileName() + ".tmp");
    try (FileChannel channel =
        FileChannel.open(temporary, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE)) {
      CRC32C crc = new CRC32C();
      OutputStream buffered = new BufferedOutputStream(Channels.newOutputStream(channel), BUFFER);
      DataOutputStream out = new DataOutputStream(new CheckedOutputStream(buffered, crc));
      out.writeInt(MAGIC);
      out.writeByte(VERSION);
      out.writeLong(generation);
      StoreFormat.writePosition(out, position);
      Map<String, Index> sorted = new TreeMap<>(indexes);
      StoreFormat.writeVarint(out, sorted.size());
      byte[] entryBytes = new byte[IndexEntry.MAX_ENCODED_LENGTH];
      for (Map.Entry<String, Index> root : sorted.entrySet()) {
        StoreFormat.writeString(out, root.getKey());
        StoreFormat.writeVarint(out, root.getValue().size());
        byte[][] previous = {new byte[0]};
        try {
          root.getValue().forEachUnder("", (path, entry) -> {
            byte[] bytes = path.getBytes(StandardCharsets.UTF_8);
            int mismatch = Arrays.mismatch(previous[0], bytes);
            int shared = mismatch < 0 ? bytes.length : mismatch;
            int length = entry.encode(entryBytes, 0);
            try {
              StoreFormat.writeVarint(out, shared);
              StoreFormat.writeVarint(out, bytes.length - shared);
              out.write(bytes, shared, bytes.length - shared);
              out.writeByte(length);
              out.write(entryBytes, 0, length);
            } catch (IOException e) {
              throw new UncheckedIOException(e);
            }
            previous[0] = bytes;
          });
        } catch (UncheckedIOException e) {
          throw e.getCause();
        }
      }
      out.flush();
      buffered.write(intBytes((int) crc.getValue()));
      buffered.flush();
      channel.force(true);
    }
    Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    syncDirectoryOf(file);
  }

  /**
   * Reads the snapshot in {@code file}.
   *
   * @throws IOException if it cannot be read or is damaged (truncated, altered, another format)
   */
  static Contents read(Path file) throws IOException {
    CRC32C crc = new CRC32C();
    // Those read when the rest cannot be are closed: their memory off the heap goes back now.
    Map<String, Index> indexes = new HashMap<>();
    try (InputStream raw = new BufferedInputStream(Files.newInputStream(file), BUFFER)) {
      DataInputStream in = new DataInputStream(new CheckedInputStream(raw, crc));
      if (in.readInt() != MAGIC) {
        throw new IOException("not an index snapshot");
      }
      int version = in.readUnsignedByte();
      if (version != VERSION) {
        throw new IOException("snapshot version " + version + ", this producer reads " + VERSION);
      }
      long generation = in.readLong();
      TablePosition position = StoreFormat.readPosition(in);
      int roots = StoreFormat.readLength(in);
      byte[] path = new byte[256];
      byte[] entryBytes = new byte[IndexEntry.MAX_ENCODED_LENGTH];
      for (int r = 0; r < roots; r++) {
        String root = StoreFormat.readString(in);
        long files = StoreFormat.readVarint(in);
        Index index = new Index();
        Index replaced = indexes.put(root, index);
        if (replaced != null) {
          replaced.close();
        }
        int length = 0;
        for (long f = 0; f < files; f++) {
          int shared = StoreFormat.readLength(in);
          int rest = StoreFormat.readLength(in);
          if (shared > length) {
            throw new IOException("a path shares more than the previous one has");
          }
          if (shared + rest > path.length) {
            path = Arrays.copyOf(path, Math.max(shared + rest, path.length * 2));
          }
          StoreFormat.readFully(in, path, shared, rest);
          length = shared + rest;
          int entryLength = in.readUnsignedByte();
          if (entryLength == 0 || entryLength > entryBytes.length) {
            throw new IOException("an entry of " + entryLength + " bytes");
          }
          StoreFormat.readFully(in, entryBytes, 0, entryLength);
          IndexEntry entry = decode(entryBytes, entryLength);
          index.put(new String(path, 0, length, StandardCharsets.UTF_8), entry);
        }
      }
      int expected = (int) crc.getValue();
      byte[] trailer = raw.readNBytes(4);
      if (trailer.length != 4) {
        throw new EOFException("the snapshot ends before its checksum");
      }
      if (intOf(trailer) != expected) {
        throw new IOException("the snapshot's checksum does not match its contents");
      }
      if (raw.read() >= 0) {
        throw new IOException("bytes after the snapshot's checksum");
      }
      return new Contents(generation, position, indexes);
    } catch (EOFException e) {
      indexes.values().forEach(Index::close);
      throw new IOException("the snapshot is truncated", e);
    } catch (IOException | RuntimeException e) {
      indexes.values().forEach(Index::close);
      throw e;
    }
  }

  private static IndexEntry decode(byte[] bytes, int length) throws IOException {
    try {
      if (IndexEntry.encodedLength(bytes, 0) != length) {
        throw new IOException("an entry whose length does not match its contents");
      }
      return IndexEntry.decode(bytes, 0);
    } catch (ArrayIndexOutOfBoundsException | IllegalArgumentException e) {
      throw new IOException("a damaged entry", e);
    }
  }

  /** Makes a rename in the directory of {@code file} durable. */
  static void syncDirectoryOf(Path file) throws IOException {
    Path directory = file.toAbsolutePath().getParent();
    if (directory == null) {
      return;
    }
    try (FileChannel channel = FileChannel.open(directory, StandardOpenOption.READ)) {
      channel.force(true);
    }
  }

  static byte[] intBytes(int value) {
    return new byte[] {(byte) (value >>> 24), (byte) (value >>> 16), (byte) (value >>> 8), (byte) value};
  }

  static int intOf(byte[] bytes) {
    return (bytes[0] & 0xff) << 24 | (bytes[1] & 0xff) << 16 | (bytes[2] & 0xff) << 8 | (bytes[3] & 0xff);
  }
}
