package io.hashstream.consumer.internal;

/**
 * A polled record not yet committed: a file to hash, or a record whose answer was known at once
 * (a dead letter). Its partition commits past it only when it and everything before it settled.
 */
sealed interface PendingRecord permits HashTask, PendingRecord.Answered {
  long offset();

  boolean settled();

  /** Poll thread: nobody wants its answer any more. */
  default void cancel() {}

  /** Answered when it was read: nothing to hash. */
  record Answered(long offset, Output output) implements PendingRecord {
    @Override
    public boolean settled() {
      return true;
    }
  }
}
