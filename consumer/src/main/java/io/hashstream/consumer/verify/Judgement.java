package io.hashstream.consumer.verify;

import org.jspecify.annotations.Nullable;

/** What an entry and the file's metadata now say, before any content is read. */
sealed interface Judgement {
  /** Nothing is at the path. */
  record Gone() implements Judgement {}

  /** The metadata differs: the table has not caught up. */
  record Behind(String reason) implements Judgement {}

  /** The entry holds no digest to check (UNSTABLE, UNREADABLE). */
  record NoDigest(String reason) implements Judgement {}

  /** The entry says not a regular file, and the path still is one of that kind: nothing to read. */
  record NotAFile() implements Judgement {}

  /**
   * The metadata matches: the content is worth reading.
   *
   * @param doubt why a different digest would not prove drift, or null if it would
   */
  record WorthReading(@Nullable String doubt) implements Judgement {}
}
