package io.hashstream.producer;

import java.time.Duration;

/**
 * When changes are published and trees reconciled.
 *
 * @param settle a file is published once it has been quiet this long (two equal stats this far
 *     apart, or a modification time at least this old)
 * @param maxDelay a file that never settles is published after this long anyway
 * @param reconcileInterval every this often, every tree is scanned again to catch changes the
 *     operating system never reported
 * @param reconcileAfterBurst after an overflow or a burst of events, a reconciliation runs once the
 *     events have been quiet this long
 * @param tableAuditInterval every this often (the first time ten minutes after the start, or this
 *     long if shorter), the index
 *     is compared with the whole hash table in the background, and what the table has wrong or
 *     lacks is published again: what a saved index would otherwise never see (an event that expired
 *     before a consumer read it, a result that never came)
 */
public record Timing(
    Duration settle,
    Duration maxDelay,
    Duration reconcileInterval,
    Duration reconcileAfterBurst,
    Duration tableAuditInterval) {
  /** The default interval of the comparison with the hash table. */
  public static final Duration DEFAULT_TABLE_AUDIT_INTERVAL = Duration.ofHours(6);

  public static final Timing DEFAULT =
      new Timing(
          Duration.ofSeconds(1), Duration.ofSeconds(60), Duration.ofMinutes(10), Duration.ofSeconds(2));

  /** The timing with the default interval of the comparison with the hash table. */
  public Timing(Duration settle, Duration maxDelay, Duration reconcileInterval, Duration reconcileAfterBurst) {
    this(settle, maxDelay, reconcileInterval, reconcileAfterBurst, DEFAULT_TABLE_AUDIT_INTERVAL);
  }

  public Timing {
    requirePositive("settle", settle);
    requirePositive("maxDelay", maxDelay);
    requirePositive("reconcileInterval", reconcileInterval);
    requirePositive("reconcileAfterBurst", reconcileAfterBurst);
    requirePositive("tableAuditInterval", tableAuditInterval);
    if (maxDelay.compareTo(settle) < 0) {
      throw new IllegalArgumentException(
          "the maximum delay (" + maxDelay + ") must not be shorter than the settle window (" + settle + ")");
    }
  }

  public Timing withSettle(Duration value) {
    return new Timing(value, maxDelay, reconcileInterval, reconcileAfterBurst, tableAuditInterval);
  }

  public Timing withMaxDelay(Duration value) {
    return new Timing(settle, value, reconcileInterval, reconcileAfterBurst, tableAuditInterval);
  }

  public Timing withReconcileInterval(Duration value) {
    return new Timing(settle, maxDelay, value, reconcileAfterBurst, tableAuditInterval);
  }

  public Timing withReconcileAfterBurst(Duration value) {
    return new Timing(settle, maxDelay, reconcileInterval, value, tableAuditInterval);
  }

  public Timing withTableAuditInterval(Duration value) {
    return new Timing(settle, maxDelay, reconcileInterval, reconcileAfterBurst, value);
  }

  private static void requirePositive(String name, Duration value) {
    if (value.isNegative() || value.isZero()) {
      throw new IllegalArgumentException(name + " must be positive, not " + value);
    }
  }
}
