package io.hashstream.producer.internal;

/**
 * Unsigned LEB128 varints (seven bits per byte, low first, as Protocol Buffers and Avro write
 * them) and the zigzag map that makes small negative numbers short too. For the index's byte forms.
 */
public final class Varint {
  /** The most bytes a 64-bit varint takes. */
  public static final int MAX_LENGTH = 10;

  private Varint() {}

  /**
   * Writes {@code value} (unsigned) at {@code offset}.
   *
   * @return the offset after it
   */
  public static int write(byte[] target, int offset, long value) {
    int at = offset;
    long rest = value;
    while ((rest & ~0x7fL) != 0) {
      target[at++] = (byte) ((rest & 0x7f) | 0x80);
      rest >>>= 7;
    }
    target[at++] = (byte) rest;
    return at;
  }

  /** The number of bytes {@link #write} takes for {@code value}. */
  public static int length(long value) {
    int bits = 64 - Long.numberOfLeadingZeros(value | 1);
    return (bits + 6) / 7;
  }

  /**
   * Reads a varint at {@code at[0]} and advances it past.
   *
   * @throws IllegalArgumentException if it runs past ten bytes (damaged input)
   */
  public static long read(byte[] source, int[] at) {
    long value = 0;
    int offset = at[0];
    for (int shift = 0; shift < 64; shift += 7) {
      byte b = source[offset++];
      value |= (long) (b & 0x7f) << shift;
      if (b >= 0) {
        at[0] = offset;
        return value;
      }
    }
    throw new IllegalArgumentException("a varint longer than ten bytes");
  }

  /** The offset after the varint at {@code offset}. */
  public static int skip(byte[] source, int offset) {
    int at = offset;
    while (source[at] < 0) {
      at++;
    }
    return at + 1;
  }

  public static long zigzag(long value) {
    return (value << 1) ^ (value >> 63);
  }

  public static long unzigzag(long value) {
    return (value >>> 1) ^ -(value & 1);
  }
}
