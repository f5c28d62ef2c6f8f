package io.hashstream.consumer.internal;

import com.dynatrace.hash4j.hashing.HashStream64;
import com.dynatrace.hash4j.hashing.Hashing;
import io.hashstream.consumer.HashAlgorithm;
import java.security.MessageDigest;

/**
 * XXH3's 64-bit hash (hash4j's streaming {@code xxh3_64}, seed 0) as a {@link MessageDigest}: 8
 * bytes, big-endian, the canonical form {@code xxhsum -H3} prints.
 */
final class Xxh3MessageDigest extends MessageDigest {
  private static final int LENGTH = Long.BYTES;

  private final HashStream64 stream = Hashing.xxh3_64().hashStream();

  Xxh3MessageDigest() {
    super(HashAlgorithm.XXH3.standardName());
  }

  @Override
  protected void engineUpdate(byte input) {
    stream.putByte(input);
  }

  @Override
  protected void engineUpdate(byte[] input, int offset, int length) {
    stream.putBytes(input, offset, length);
  }

  @Override
  protected byte[] engineDigest() {
    long hash = stream.getAsLong();
    stream.reset();
    byte[] out = new byte[LENGTH];
    for (int i = 0; i < LENGTH; i++) {
      out[i] = (byte) (hash >>> (8 * (LENGTH - 1 - i)));
    }
    return out;
  }

  @Override
  protected void engineReset() {
    stream.reset();
  }

  @Override
  protected int engineGetDigestLength() {
    return LENGTH;
  }
}
