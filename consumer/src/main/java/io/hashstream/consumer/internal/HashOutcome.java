package io.hashstream.consumer.internal;

import io.hashstream.nativeio.FileState;

import java.util.List;
import org.jspecify.annotations.Nullable;

/** What hashing one event's file came to. A file that vanished is an outcome, not an error. */
public sealed interface HashOutcome {
  /** Whether something was seen at the path: its root shows the tree. */
  default boolean sawSomething() {
    return switch (this) {
      case Hashed h -> true;
      case NotRegular n -> true;
      case Unreadable u -> u.state() != null;
      case Unstable u -> u.state() != null;
      case Gone g -> false;
      case NotVisible n -> false;
      case Refused r -> false;
    };
  }

  /**
   * The file's digests, one per configured algorithm with SHA-256 first, and its state, unchanged
   * from before to after the read.
   */
  record Hashed(List<Digest> digests, FileState state) implements HashOutcome {
    public Hashed {
      if (digests.isEmpty()) {
        throw new IllegalArgumentException("a hashed file has at least one digest");
      }
      digests = List.copyOf(digests);
    }

    /** The first digest: SHA-256, what a result's {@code digest} holds. */
    public byte[] digest() {
      return digests.getFirst().value();
    }
  }

  /** Nothing is at the path: the table gets a tombstone. */
  record Gone() implements HashOutcome {}

  /** Something other than a regular file is there; it is never opened. */
  record NotRegular(FileState state) implements HashOutcome {}

  /** A regular file that cannot be read (permissions, I/O error). */
  record Unreadable(String reason, @Nullable FileState state) implements HashOutcome {}

  /**
   * The event saw a file that this host does not see (a network file system behind, a volume not
   * mounted): written {@code UNSTABLE}, never a tombstone, unless the root is held instead.
   */
  record NotVisible(String reason) implements HashOutcome {}

  /** It kept changing while being hashed, or the file system kept showing an older state. */
  record Unstable(String reason, @Nullable FileState state) implements HashOutcome {}

  /** The event's path is not safe to open; nothing is published for it. */
  record Refused(String reason) implements HashOutcome {}
}
