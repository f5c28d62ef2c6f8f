package io.hashstream.consumer.verify;

import io.hashstream.consumer.internal.ReadWatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Paces reading to a byte rate: each read buffer is paid for by waiting until the bytes read so
 * far are due at the rate. No burst is allowed, so the rate holds over any stretch longer than a
 * buffer's worth. One reading thread.
 */
final class ByteBudget implements ReadWatch {
  private final double nanosPerByte;
  private long dueNanos;
  private long bytes;

  /** @param bytesPerSecond 0 for no limit */
  ByteBudget(long bytesPerSecond) {
    this.nanosPerByte = bytesPerSecond == 0 ? 0 : (double) TimeUnit.SECONDS.toNanos(1) / bytesPerSecond;
    this.dueNanos = System.nanoTime();
  }

  @Override
  public void hashed(int read) {
    bytes += read;
    pace(read);
  }

  /** Pays for {@code cost} bytes of the rate without reading them: what looking at a file costs. */
  void pace(long cost) {
    if (nanosPerByte == 0) {
      return;
    }
    long now = System.nanoTime();
    // Time not spent reading (between files, while walking) is not saved up for a later burst.
    dueNanos = Math.max(dueNanos, now - TimeUnit.MILLISECONDS.toNanos(100)) + (long) (cost * nanosPerByte);
    long wait;
    while ((wait = dueNanos - System.nanoTime()) > 0) {
      LockSupport.parkNanos(wait);
      if (Thread.currentThread().isInterrupted()) {
        return;
      }
    }
  }

  /** The bytes read so far. */
  long bytes() {
    return bytes;
  }
}
