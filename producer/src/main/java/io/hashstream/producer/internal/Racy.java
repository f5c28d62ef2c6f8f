package io.hashstream.producer.internal;

import org.jspecify.annotations.Nullable;

/**
 * The racy case, as git has it: a file looked at within one timestamp tick of its own last change
 * can be rewritten, at the same size, within that same tick, and no comparison of metadata will
 * ever show it. Such a look is uncertain and is taken again later. A tick is the file system's
 * time precision where that is coarser (seconds on some FUSE and FAT mounts), else 10 ms, a bound
 * on the coarse kernel clock that stamps files (one jiffy, 1–10 ms).
 */
final class Racy {
  static final long TICK_NANOS = 10_000_000L;

  private Racy() {}

  /**
   * Whether a look at {@code lookedAtNanos} is within one tick of the later of the modification and
   * status change times (nanoseconds since the epoch, null where unknown).
   */
  static boolean within(@Nullable Long modifiedNanos, @Nullable Long changedNanos, long lookedAtNanos) {
    if (modifiedNanos == null && changedNanos == null) {
      return false;
    }
    long modified = modifiedNanos == null ? Long.MIN_VALUE : modifiedNanos;
    long changed = changedNanos == null ? Long.MIN_VALUE : changedNanos;
    long latest = Math.max(modified, changed);
    long tick = Math.max(TICK_NANOS, IndexEntry.precisionOf(latest));
    return lookedAtNanos - latest < tick;
  }
}
