package io.hashstream.producer.internal.store;

import io.hashstream.producer.internal.Varint;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/** Varints, strings and positions on streams: the pieces both index files are made of. */
final class StoreFormat {
  /** Nothing in the files is longer: a bigger length is damage, not a record. */
  static final int MAX_FIELD = 1 << 20;

  private StoreFormat() {}

  static void writeVarint(OutputStream out, long value) throws IOException {
    long rest = value;
    while ((rest & ~0x7fL) != 0) {
      out.write((int) ((rest & 0x7f) | 0x80));
      rest >>>= 7;
    }
    out.write((int) rest);
  }

  static long readVarint(InputStream in) throws IOException {
    long value = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      int b = in.read();
      if (b < 0) {
        throw new EOFException("the file ends inside a number");
      }
      value |= (long) (b & 0x7f) << shift;
      if ((b & 0x80) == 0) {
        return value;
      }
    }
    throw new IOException("a number longer than ten bytes");
  }

  static int readLength(InputStream in) throws IOException {
    long length = readVarint(in);
    if (length < 0 || length > MAX_FIELD) {
      throw new IOException("a length of " + length + " bytes");
    }
    return (int) length;
  }

  static void writeString(OutputStream out, String value) throws IOException {
    byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
    writeVarint(out, bytes.length);
    out.write(bytes);
  }

  static String readString(InputStream in) throws IOException {
    int length = readLength(in);
    byte[] bytes = in.readNBytes(length);
    if (bytes.length != length) {
      throw new EOFException("the file ends inside a name");
    }
    return new String(bytes, StandardCharsets.UTF_8);
  }

  static void readFully(InputStream in, byte[] target, int offset, int length) throws IOException {
    if (in.readNBytes(target, offset, length) != length) {
      throw new EOFException("the file ends inside a record");
    }
  }

  static void writePosition(OutputStream out, TablePosition position) throws IOException {
    writeString(out, position.topicId());
    writeOffsets(out, position.sortedNext());
    writeOffsets(out, position.sortedAnswered());
  }

  static TablePosition readPosition(InputStream in) throws IOException {
    String topicId = readString(in);
    return new TablePosition(topicId, readOffsets(in), readOffsets(in));
  }

  private static void writeOffsets(OutputStream out, Map<Integer, Long> offsets) throws IOException {
    writeVarint(out, offsets.size());
    for (Map.Entry<Integer, Long> entry : offsets.entrySet()) {
      writeVarint(out, entry.getKey());
      writeVarint(out, Varint.zigzag(entry.getValue()));
    }
  }

  private static Map<Integer, Long> readOffsets(InputStream in) throws IOException {
    int count = readLength(in);
    Map<Integer, Long> offsets = new HashMap<>();
    for (int i = 0; i < count; i++) {
      long partition = readVarint(in);
      if (partition > Integer.MAX_VALUE) {
        throw new IOException("partition " + partition);
      }
      offsets.put((int) partition, Varint.unzigzag(readVarint(in)));
    }
    return offsets;
  }
}
