package io.hashstream.nativeio;

import java.lang.foreign.Arena;

/**
 * The arena of a per-thread native helper ({@link DirectoryReader}, {@link PathStat}): shared, so
 * the helper may be built on one thread and used on another, but used by one thread at a time
 * ({@link OwnerGuard}), and closed once.
 */
final class OwnedArena {
  private final Arena arena;
  private final OwnerGuard guard = new OwnerGuard();
  private final String what;
  private boolean closed;

  // The arena is this object's, closed by close().
  @SuppressWarnings("MustBeClosedChecker")
  OwnedArena(String what) {
    this.what = what;
    this.arena = Arena.ofShared();
  }

  Arena arena() {
    return arena;
  }

  /** Begins a use; fails if another thread is using it or it is closed. */
  void enter() {
    guard.enter();
    if (closed) {
      guard.exit();
      throw new IllegalStateException("the " + what + " is closed");
    }
  }

  void exit() {
    guard.exit();
  }

  /** Frees the memory; a second call does nothing. */
  void close() {
    guard.enter();
    try {
      if (!closed) {
        closed = true;
        arena.close();
      }
    } finally {
      guard.exit();
    }
  }
}
