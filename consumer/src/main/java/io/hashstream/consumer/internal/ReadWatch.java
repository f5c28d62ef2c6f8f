package io.hashstream.consumer.internal;

import java.util.concurrent.CancellationException;

/**
 * Told of every piece of a file the digest is given, on the hashing thread: the one place where a
 * hash in progress can be cancelled (a revoked partition, a stop) or, in tests, slowed down.
 */
@FunctionalInterface
public interface ReadWatch {
  /**
   * {@code bytes} more were hashed.
   *
   * @throws CancellationException to abandon the file: it propagates out of the read, which closes
   *     the file on its way
   */
  void hashed(int bytes);
}
