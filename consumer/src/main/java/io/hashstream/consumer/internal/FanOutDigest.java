package io.hashstream.consumer.internal;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.util.List;

/**
 * Several digests fed from one read: every update goes to each part in turn, while the bytes are
 * still in the cache, so a further algorithm costs its compute and never another read. Its digest
 * is its parts' digests end to end, in order.
 */
final class FanOutDigest extends MessageDigest {
  private final List<MessageDigest> parts;
  private final int length;

  FanOutDigest(List<MessageDigest> parts) {
    super(String.join("+", parts.stream().map(MessageDigest::getAlgorithm).toList()));
    this.parts = List.copyOf(parts);
    this.length = parts.stream().mapToInt(MessageDigest::getDigestLength).sum();
  }

  @Override
  protected void engineUpdate(byte input) {
    for (MessageDigest part : parts) {
      part.update(input);
    }
  }

  @Override
  protected void engineUpdate(byte[] input, int offset, int length) {
    for (MessageDigest part : parts) {
      part.update(input, offset, length);
    }
  }

  @Override
  protected void engineUpdate(ByteBuffer input) {
    int start = input.position();
    for (MessageDigest part : parts) {
      input.position(start);
      part.update(input);
    }
  }

  @Override
  protected byte[] engineDigest() {
    byte[] out = new byte[length];
    int at = 0;
    for (MessageDigest part : parts) {
      byte[] digest = part.digest();
      System.arraycopy(digest, 0, out, at, digest.length);
      at += digest.length;
    }
    return out;
  }

  @Override
  protected void engineReset() {
    for (MessageDigest part : parts) {
      part.reset();
    }
  }

  @Override
  protected int engineGetDigestLength() {
    return length;
  }
}
