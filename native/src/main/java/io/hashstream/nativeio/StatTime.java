package io.hashstream.nativeio;

import java.nio.file.attribute.FileTime;
import java.time.DateTimeException;
import java.time.Instant;
import org.jspecify.annotations.Nullable;

/**
 * A file time (modification, status change) as the file system keeps it. {@code statx} gives any
 * long of seconds, and {@code touch -d @40000000000000000} stores one on tmpfs that {@link Instant}
 * cannot hold: such a time is still compared exactly, and is published as null, as the schema
 * allows.
 *
 * @param seconds since the Unix epoch
 * @param nanos within the second, 0 to 999,999,999
 */
public record StatTime(long seconds, int nanos) implements Comparable<StatTime> {
  private static final int NANOS_PER_SECOND = 1_000_000_000;

  public StatTime {
    if (nanos < 0 || nanos >= NANOS_PER_SECOND) {
      throw new IllegalArgumentException("nanoseconds out of range: " + nanos);
    }
  }

  public static StatTime of(Instant instant) {
    return new StatTime(instant.getEpochSecond(), instant.getNano());
  }

  /** The JDK saturates a time beyond {@link Instant}'s range to its ends; so does this. */
  public static StatTime of(FileTime time) {
    return of(time.toInstant());
  }

  /** The time as an {@link Instant}; null when it lies outside Instant's range. */
  public @Nullable Instant instant() {
    try {
      return Instant.ofEpochSecond(seconds, nanos);
    } catch (DateTimeException e) {
      // Out of range is a value of this type, not an error: the caller says what null means.
      return null;
    }
  }

  /**
   * The time for a record's {@code timestamp-nanos} field (a long of nanoseconds: 1677-09-21 to
   * 2262-04-11); null outside it.
   */
  public @Nullable Instant forRecord() {
    long limit = Long.MAX_VALUE / NANOS_PER_SECOND - 1;
    return seconds > -limit && seconds < limit ? Instant.ofEpochSecond(seconds, nanos) : null;
  }

  /** Microseconds: a network file system may keep coarser times than the producer's disk. */
  public StatTime truncatedToMicros() {
    return new StatTime(seconds, nanos - nanos % 1000);
  }

  @Override
  public int compareTo(StatTime other) {
    int bySeconds = Long.compare(seconds, other.seconds);
    return bySeconds != 0 ? bySeconds : Integer.compare(nanos, other.nanos);
  }

  @Override
  public String toString() {
    Instant instant = instant();
    return instant != null ? instant.toString() : seconds + "." + String.format("%09d", nanos) + " s";
  }
}
