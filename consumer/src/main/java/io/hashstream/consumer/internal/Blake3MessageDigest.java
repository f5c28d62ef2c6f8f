package io.hashstream.consumer.internal;

import io.hashstream.consumer.HashAlgorithm;
import java.security.MessageDigest;
import org.bouncycastle.crypto.digests.Blake3Digest;

/**
 * BLAKE3 (Bouncy Castle's {@link Blake3Digest}, 32 bytes out) as a {@link MessageDigest}, which the
 * openers feed. Not registered as a provider: nothing else in the JVM should find it by name.
 */
final class Blake3MessageDigest extends MessageDigest {
  private static final int LENGTH = 32;

  private final Blake3Digest digest = new Blake3Digest(LENGTH * 8);

  Blake3MessageDigest() {
    super(HashAlgorithm.BLAKE3.standardName());
  }

  @Override
  protected void engineUpdate(byte input) {
    digest.update(input);
  }

  @Override
  protected void engineUpdate(byte[] input, int offset, int length) {
    digest.update(input, offset, length);
  }

  @Override
  protected byte[] engineDigest() {
    byte[] out = new byte[LENGTH];
    // doFinal resets the digest, as engineDigest must.
    digest.doFinal(out, 0);
    return out;
  }

  @Override
  protected void engineReset() {
    digest.reset();
  }

  @Override
  protected int engineGetDigestLength() {
    return LENGTH;
  }
}
