package io.hashstream.schemas.internal;

import java.nio.ByteBuffer;

/**
 * The Confluent wire format: magic byte {@code 0}, the schema id as a 4-byte big-endian int, then
 * the Avro binary encoding of the datum (no container-file header, no fingerprint).
 */
public final class WireFormat {
  /** The first byte of every value. */
  public static final byte MAGIC_BYTE = 0;

  /** Magic byte and schema id. */
  public static final int HEADER_SIZE = 5;

  private WireFormat() {}

  /** Writes the header for {@code schemaId} at the start of {@code out}. */
  public static void writeHeader(ByteBuffer out, int schemaId) {
    out.put(MAGIC_BYTE).putInt(schemaId);
  }

  /** The schema id of a value whose header was checked to be present. */
  public static int schemaId(byte[] value) {
    return ByteBuffer.wrap(value, 1, 4).getInt();
  }
}
