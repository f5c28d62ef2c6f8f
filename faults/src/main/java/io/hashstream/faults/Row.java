package io.hashstream.faults;

import org.jspecify.annotations.Nullable;

/**
 * One committed record of the hash topic as the oracle decoded it.
 *
 * @param status the result's status, or {@code TOMBSTONE}
 * @param digest the SHA-256 in hex, for a {@code HASHED} result
 * @param sourcePartition the events topic's partition of the event it answers
 * @param sourceOffset that event's offset
 * @param recheck whether it is a later look at an event answered before ({@code hashstream.recheck})
 */
record Row(
    String key,
    String status,
    @Nullable String digest,
    int sourcePartition,
    long sourceOffset,
    boolean recheck) {

  static final String TOMBSTONE = "TOMBSTONE";

  boolean hashed(String expectedDigest) {
    return status.equals("HASHED") && expectedDigest.equals(digest);
  }

  /** The event it answers, as one number: partitions and offsets stay far below the bounds. */
  long source() {
    return ((long) sourcePartition << 48) | sourceOffset;
  }
}
