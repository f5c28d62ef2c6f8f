package io.hashstream.consumer.internal;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Predicate;
import org.apache.kafka.common.TopicPartition;
import org.jspecify.annotations.Nullable;

/**
 * One assigned partition's records between poll and commit, in offset order. Poll thread only.
 *
 * <p>Per key at most one task is with the hashing threads; a newer event of a key whose task has not
 * started covers it (one hash answers both), and a newer event of a key whose task is running
 * waits for it (and cuts short any wait of the running one for the file system to catch up), so
 * one key's files are never hashed twice at once nor answered out of order. The
 * partition commits past the longest settled prefix of its records: {@link #ready} holds their
 * answers in offset order until the transaction that carries them commits.
 */
final class PartitionWork {
  private final TopicPartition partition;
  private final ArrayDeque<PendingRecord> pending = new ArrayDeque<>();
  private final Map<String, HashTask> submittedByKey = new HashMap<>();
  private final Map<String, HashTask> waitingByKey = new HashMap<>();
  private final List<Output> ready = new ArrayList<>();
  private long commitOffset = -1;
  /** An event for an unknown root stopped this partition until it is reassigned. */
  private boolean held;
  /** A transient failure: not read again before this time ({@link System#nanoTime}). */
  private long retryAtNanos;
  private boolean retrying;
  private final Backoff backoff = new Backoff();
  /** Records held for a root that does not show its files: looked at again from 1 s to 30 s. */
  private final Backoff holdBackoff = new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(30));

  PartitionWork(TopicPartition partition) {
    this.partition = partition;
  }

  TopicPartition partition() {
    return partition;
  }

  void answered(PendingRecord.Answered record) {
    pending.add(record);
  }

  /** Takes a waiting task; gives it to {@code submit} unless an older task of its key runs. */
  void hash(HashTask task, Consumer<HashTask> submit) {
    pending.add(task);
    String key = task.key().key();
    HashTask current = submittedByKey.get(key);
    if (current == null || current.coverBy(task)) {
      submittedByKey.put(key, task);
      task.submitted();
      submit.accept(task);
      return;
    }
    HashTask waiting = waitingByKey.put(key, task);
    if (waiting != null && !waiting.coverBy(task)) {
      throw new IllegalStateException("a waiting task of " + key + " had started");
    }
    current.supersede();
  }

  /** A task of this partition finished: the next event of its key may be hashed now. */
  void completed(HashTask task, Consumer<HashTask> submit) {
    String key = task.key().key();
    if (submittedByKey.get(key) != task) {
      return;
    }
    submittedByKey.remove(key);
    HashTask next = waitingByKey.remove(key);
    if (next != null) {
      submittedByKey.put(key, next);
      next.submitted();
      submit.accept(next);
    }
  }

  /** Moves the settled prefix of the pending records to {@link #ready}, answered by {@code answer}. */
  void collectSettled(Function<PendingRecord, Output> answer) {
    var _ = collectSettled(answer, task -> false);
  }

  /**
   * Moves the settled prefix of the pending records to {@link #ready}, answered by {@code answer},
   * up to the first finished task that {@code hold} says must not be answered yet.
   *
   * @return that task, or null if none stopped the prefix
   */
  @Nullable HashTask collectSettled(Function<PendingRecord, Output> answer, Predicate<HashTask> hold) {
    while (!pending.isEmpty() && pending.getFirst().settled()) {
      PendingRecord record = pending.getFirst();
      if (record instanceof HashTask task && task.state() == HashTask.State.DONE && hold.test(task)) {
        return task;
      }
      pending.removeFirst();
      ready.add(answer.apply(record));
      commitOffset = record.offset() + 1;
      holdBackoff.reset();
    }
    return null;
  }

  /**
   * Forgets the pending records, cancelling their hashes, and keeps the partition from being read
   * for a while, longer each time; the ready answers stay. The caller seeks the partition back to
   * the first pending record.
   *
   * @return how long it waits
   */
  Duration holdPending(long now) {
    pending.forEach(PendingRecord::cancel);
    pending.clear();
    submittedByKey.clear();
    waitingByKey.clear();
    Duration wait = holdBackoff.next();
    retrying = true;
    retryAtNanos = now + wait.toNanos();
    return wait;
  }

  int pendingCount() {
    return pending.size();
  }

  int readyCount() {
    return ready.size();
  }

  List<Output> ready() {
    return ready;
  }

  /** The offset the next commit takes this partition to, if anything is ready. */
  OptionalLong commitOffset() {
    return ready.isEmpty() ? OptionalLong.empty() : OptionalLong.of(commitOffset);
  }

  /** The offset of the oldest record still pending, if any. */
  OptionalLong firstPendingOffset() {
    return pending.isEmpty() ? OptionalLong.empty() : OptionalLong.of(pending.getFirst().offset());
  }

  /** The ready answers were committed. */
  void committed() {
    ready.clear();
  }

  /** Forgets everything uncommitted, cancelling its hashes; the caller rewinds the partition. */
  void abandon() {
    pending.forEach(PendingRecord::cancel);
    pending.clear();
    submittedByKey.clear();
    waitingByKey.clear();
    ready.clear();
  }

  void hold() {
    held = true;
  }

  boolean held() {
    return held;
  }

  /** A transient failure at the next record: wait before reading it again, longer each time. */
  Duration retryLater(long now) {
    Duration wait = backoff.next();
    retrying = true;
    retryAtNanos = now + wait.toNanos();
    return wait;
  }

  /** A record decoded: the next transient failure waits the shortest time again. */
  void decoded() {
    backoff.reset();
  }

  /** Whether a transient failure still keeps the partition from being read. */
  boolean backingOff(long now) {
    if (retrying && now - retryAtNanos >= 0) {
      retrying = false;
    }
    return retrying;
  }
}
