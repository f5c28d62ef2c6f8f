package io.hashstream.consumer.internal;

import io.hashstream.schemas.FileKey;
import io.hashstream.schemas.avro.FileChangeEvent;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.jspecify.annotations.Nullable;

/**
 * One event's file to hash. The poll thread creates it and decides its fate; one hashing thread
 * runs it. The state is the only thing both touch, and every change of owner is a compare-and-set:
 * a hashing thread can start only a task still {@link State#SUBMITTED}, and the poll thread can
 * cover or cancel it at any time; a cancelled running hash stops at its next read buffer.
 */
final class HashTask implements PendingRecord {
  enum State {
    /** Waits for an older task of the same key to finish; not given to the hashing threads yet. */
    WAITING,
    SUBMITTED,
    RUNNING,
    DONE,
    /** A newer event of the same key will be hashed instead: its result answers this one too. */
    COVERED,
    /** Its partition was revoked, rewound or stopped: nobody wants its outcome. */
    CANCELLED
  }

  private final ConsumerRecord<byte[], byte[]> record;
  private final FileChangeEvent event;
  private final FileKey key;
  private final LiveRoot root;
  /** Whose partition this task belongs to: a completion for a partition no longer held is dropped. */
  private final PartitionWork owner;
  private final AtomicReference<State> state;
  private final int look;
  /** Written by the hashing thread before DONE is set, read by the poll thread after it saw DONE. */
  private volatile @Nullable HashOutcome outcome;
  private volatile long hashNanos;
  /** Poll thread only: the newer task that answers for this one once it is COVERED. */
  private @Nullable HashTask coveredBy;
  /** Guarded by {@code this}: a newer event of the key waits for this running task. */
  private boolean superseded;

  HashTask(
      ConsumerRecord<byte[], byte[]> record,
      FileChangeEvent event,
      FileKey key,
      LiveRoot root,
      PartitionWork owner,
      State initial) {
    this(record, event, key, root, owner, initial, 0);
  }

  private HashTask(
      ConsumerRecord<byte[], byte[]> record,
      FileChangeEvent event,
      FileKey key,
      LiveRoot root,
      PartitionWork owner,
      State initial,
      int look) {
    this.record = record;
    this.event = event;
    this.key = key;
    this.root = root;
    this.owner = owner;
    this.state = new AtomicReference<>(initial);
    this.look = look;
  }

  /** Another look at this task's file, the {@code look}th, ready for the hashing threads. */
  HashTask lookAgain(int look) {
    return new HashTask(record, event, key, root, owner, State.SUBMITTED, look);
  }

  /** 0 for the hash of its event; from 1, which later look at an uncertain answer ({@link Rechecks}). */
  int look() {
    return look;
  }

  ConsumerRecord<byte[], byte[]> record() {
    return record;
  }

  FileChangeEvent event() {
    return event;
  }

  FileKey key() {
    return key;
  }

  LiveRoot root() {
    return root;
  }

  PartitionWork owner() {
    return owner;
  }

  @Override
  public long offset() {
    return record.offset();
  }

  State state() {
    return state.get();
  }

  /** Poll thread: hands a waiting task to the hashing threads. */
  void submitted() {
    if (!state.compareAndSet(State.WAITING, State.SUBMITTED)) {
      throw new IllegalStateException("only a waiting task is submitted, not one " + state.get());
    }
  }

  /** Hashing thread: takes the task unless it was covered or cancelled meanwhile. */
  boolean start() {
    return state.compareAndSet(State.SUBMITTED, State.RUNNING);
  }

  /** Hashing thread: the task's outcome; dropped if the task was cancelled meanwhile. */
  boolean finish(HashOutcome result, long nanos) {
    outcome = result;
    hashNanos = nanos;
    return state.compareAndSet(State.RUNNING, State.DONE);
  }

  /** Hashing thread, between read buffers: whether to abandon the file. */
  boolean cancelled() {
    return state.get() == State.CANCELLED;
  }

  /**
   * Poll thread: lets {@code newer} answer for this task, if this one has not started.
   *
   * @return false if it is running or done: then it must finish on its own
   */
  boolean coverBy(HashTask newer) {
    State now = state.get();
    if ((now == State.WAITING || now == State.SUBMITTED) && state.compareAndSet(now, State.COVERED)) {
      coveredBy = newer;
      return true;
    }
    return false;
  }

  /** Poll thread: nobody wants this task's outcome any more. */
  @Override
  public void cancel() {
    state.set(State.CANCELLED);
    synchronized (this) {
      notifyAll();
    }
  }

  /**
   * Poll thread: a newer event of the key came while this task runs. Its hash answers the path
   * anyway, so this one stops waiting for the file system to catch up ({@link #awaitView}).
   */
  synchronized void supersede() {
    superseded = true;
    notifyAll();
  }

  /**
   * Hashing thread: waits up to {@code wait} for this host's view of the file to catch up.
   *
   * @return false, at once, if a newer event of the key came or the task was cancelled
   */
  synchronized boolean awaitView(Duration wait) throws InterruptedException {
    long deadline = System.nanoTime() + wait.toNanos();
    while (!superseded && state.get() != State.CANCELLED) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        return true;
      }
      TimeUnit.NANOSECONDS.timedWait(this, left);
    }
    return false;
  }

  /** Poll thread: whether this task's answer is known (its own, or that of the task covering it). */
  @Override
  public boolean settled() {
    HashTask task = this;
    while (task.state.get() == State.COVERED) {
      HashTask next = task.coveredBy;
      if (next == null) {
        throw new IllegalStateException("a covered task without its cover");
      }
      task = next;
    }
    return task.state.get() == State.DONE;
  }

  /** The outcome of a DONE task. */
  HashOutcome outcome() {
    HashOutcome result = outcome;
    if (result == null) {
      throw new IllegalStateException("the task of " + key + " has no outcome yet");
    }
    return result;
  }

  long hashNanos() {
    return hashNanos;
  }
}
