package io.hashstream.nativeio;

import java.util.ConcurrentModificationException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Makes a second thread's use of a per-thread opener fail loudly instead of sharing its buffer:
 * each public operation runs between {@link #enter} and {@link #exit}. Not reentrant.
 */
final class OwnerGuard {
  private final AtomicBoolean busy = new AtomicBoolean();

  void enter() {
    if (!busy.compareAndSet(false, true)) {
      throw new ConcurrentModificationException(
          "a file opener or directory reader is used by one thread at a time: give each thread its own");
    }
  }

  void exit() {
    busy.set(false);
  }
}
