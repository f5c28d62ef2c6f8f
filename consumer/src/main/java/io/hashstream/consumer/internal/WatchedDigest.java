package io.hashstream.consumer.internal;

import java.nio.ByteBuffer;
import java.security.MessageDigest;

/**
 * A digest that tells a {@link ReadWatch} of every update and otherwise is its delegate: the
 * openers feed any {@link MessageDigest}, so cancelling and pacing need no hook inside them. The
 * delegate keeps the JDK's SHA-256 intrinsic; the cost is one call per read buffer.
 */
final class WatchedDigest extends MessageDigest {
  private final MessageDigest delegate;
  private final ReadWatch watch;

  WatchedDigest(MessageDigest delegate, ReadWatch watch) {
    super(delegate.getAlgorithm());
    this.delegate = delegate;
    this.watch = watch;
  }

  @Override
  protected void engineUpdate(byte input) {
    delegate.update(input);
    watch.hashed(1);
  }

  @Override
  protected void engineUpdate(byte[] input, int offset, int length) {
    delegate.update(input, offset, length);
    watch.hashed(length);
  }

  @Override
  protected void engineUpdate(ByteBuffer input) {
    int length = input.remaining();
    delegate.update(input);
    watch.hashed(length);
  }

  @Override
  protected byte[] engineDigest() {
    return delegate.digest();
  }

  @Override
  protected void engineReset() {
    delegate.reset();
  }

  @Override
  protected int engineGetDigestLength() {
    return delegate.getDigestLength();
  }
}
