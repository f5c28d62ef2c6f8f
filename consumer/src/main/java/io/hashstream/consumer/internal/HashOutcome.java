package io.hashstream.consumer.internal;

import org.jspecify.annotations.Nullable;

/** What hashing one event's file came to. A file that vanished is an outcome, not an error. */
public sealed interface HashOutcome {
  /**
   * The file's digest, and its state, unchanged from before to after the read. The digest array is
   * handed over, not shared: its producer never touches it again.
   */
  @SuppressWarnings("ArrayRecordComponent") // a 32-byte value passed once from hasher to record
  record Hashed(byte[] digest, FileState state) implements HashOutcome {}

  /** Nothing is at the path: the table gets a tombstone. */
  record Gone() implements HashOutcome {}

  /** Something other than a regular file is there; it is never opened. */
  record NotRegular(FileState state) implements HashOutcome {}

  /** A regular file that cannot be read (permissions, I/O error). */
  record Unreadable(String reason, @Nullable FileState state) implements HashOutcome {}

  /** It kept changing while being hashed, or the file system kept showing an older state. */
  record Unstable(String reason, @Nullable FileState state) implements HashOutcome {}

  /** The event's path is not safe to open; nothing is published for it. */
  record Refused(String reason) implements HashOutcome {}
}
