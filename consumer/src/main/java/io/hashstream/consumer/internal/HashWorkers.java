package io.hashstream.consumer.internal;

import io.hashstream.consumer.HashAlgorithm;
import io.hashstream.nativeio.FileOpener;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CancellationException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The hashing threads. Each owns its {@link FileHashing} (opener, read buffer, digest) for its
 * whole life and closes it on its way out; tasks reach them through one queue and go back to the
 * poll thread through {@code done}. A thread never touches a Kafka client.
 *
 * <p>No file stops the instance: whatever hashing one file throws becomes that file's UNREADABLE
 * outcome. After an {@link Error} the thread's state cannot be trusted, so it ends and a new one
 * takes its place; only an {@link OutOfMemoryError}, after which nothing in the JVM can be trusted,
 * goes to {@code outOfMemory} instead, and the instance stops.
 */
final class HashWorkers implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(HashWorkers.class);
  private static final Duration STOP_TIMEOUT = Duration.ofSeconds(10);

  private final BlockingQueue<HashTask> queue = new LinkedBlockingQueue<>();
  /** Guarded by {@code this}, as are {@code started} and {@code closed}. */
  private final List<Thread> threads = new ArrayList<>();
  private int started;
  private boolean closed;
  private final AtomicInteger replaced = new AtomicInteger();
  private final String name;
  private final ReadThrottle throttle;
  private final ConsumerMetrics metrics;
  private final Consumer<HashTask> done;
  private final BiConsumer<HashTask, OutOfMemoryError> outOfMemory;
  private final String description;
  private final List<HashAlgorithm> algorithms;

  HashWorkers(
      int count,
      String name,
      List<HashAlgorithm> algorithms,
      ReadThrottle throttle,
      ConsumerMetrics metrics,
      Consumer<HashTask> done,
      BiConsumer<HashTask, OutOfMemoryError> outOfMemory) {
    this.name = name;
    this.algorithms = List.copyOf(algorithms);
    // Each digest made once here, on the starting thread: a JVM without one of them (a FIPS-only
    // provider refuses MD5) fails the start with its message, not each hashing thread.
    var _ = new FileHasher(this.algorithms);
    this.throttle = throttle;
    this.metrics = metrics;
    this.done = done;
    this.outOfMemory = outOfMemory;
    String described = "";
    for (int i = 0; i < count; i++) {
      described = startThread();
    }
    this.description = described;
  }

  /** Starts one thread, unless closed; returns how its opener opens files. */
  private synchronized String startThread() {
    if (closed) {
      return "";
    }
    // Made here, owned from its start by the thread it is handed to, which closes it.
    FileOpener opener = FileOpener.forThisPlatform();
    threads.add(Thread.ofPlatform().name(name + "-hash-" + started++).daemon().start(() -> work(opener)));
    return opener.description();
  }

  /** How files are opened, for the start-up log. */
  String description() {
    return description;
  }

  /** How many threads an {@link Error} ended, each replaced by a new one. */
  int replaced() {
    return replaced.get();
  }

  void submit(HashTask task) {
    queue.add(task);
  }

  private void work(FileOpener opener) {
    TaskWatch watch = new TaskWatch(throttle);
    try (FileHashing hashing = new FileHashing(opener, algorithms, watch)) {
      while (true) {
        HashTask task = queue.take();
        if (!task.start()) {
          continue;
        }
        watch.current = task;
        if (!hashOne(hashing, task)) {
          return;
        }
      }
    } catch (InterruptedException e) {
      // Closing: the thread ends, closing its opener.
    }
  }

  /** Hashes one task and hands it back; false if this thread must end. */
  private boolean hashOne(FileHashing hashing, HashTask task) throws InterruptedException {
    long started = System.nanoTime();
    HashOutcome outcome;
    try {
      InjectedFault.beforeHashing(task.key().key());
      outcome =
          hashing.hash(
              task.root(),
              task.key().path(),
              new FileHashing.Expected(
                  task.event().getSize(), task.event().getModified(), task.event().getStatusChanged()),
              // A later look waits by its schedule, not on a hashing thread.
              task.look() > 0 ? FileHashing.Patience.NONE : task::awaitView);
    } catch (CancellationException e) {
      // The poll thread no longer wants it; it forgot the task already.
      return true;
    } catch (RuntimeException e) {
      finishFailed(task, e, started);
      return true;
    } catch (OutOfMemoryError e) {
      outOfMemory.accept(task, e);
      return false;
    } catch (Error e) {
      finishFailed(task, e, started);
      replaceThisThread(e);
      return false;
    }
    if (outcome.sawSomething()) {
      task.root().seen();
    }
    if (task.finish(outcome, System.nanoTime() - started)) {
      done.accept(task);
    }
    return true;
  }

  private void finishFailed(HashTask task, Throwable e, long started) {
    ConsumerRecord<byte[], byte[]> record = task.record();
    LOG.error(
        "hashing {} (record {}-{}@{}) failed: {}; its result is UNREADABLE",
        task.key().key(),
        record.topic(),
        record.partition(),
        record.offset(),
        e.toString());
    LOG.debug("the failure of hashing {}", task.key().key(), e);
    metrics.hashingFailed();
    if (task.finish(new HashOutcome.Unreadable("hashing failed: " + e, null), System.nanoTime() - started)) {
      done.accept(task);
    }
  }

  private void replaceThisThread(Error e) {
    LOG.error("the hashing thread {} ends after {} and is replaced", Thread.currentThread().getName(), e.toString());
    metrics.hashingThreadReplaced();
    replaced.incrementAndGet();
    synchronized (this) {
      threads.remove(Thread.currentThread());
    }
    startThread();
  }

  /** Cancels through the task a thread is running; paces reads in tests. */
  private static final class TaskWatch implements ReadWatch {
    private final ReadThrottle throttle;
    private @Nullable HashTask current;

    TaskWatch(ReadThrottle throttle) {
      this.throttle = throttle;
    }

    @Override
    public void hashed(int bytes) {
      HashTask task = current;
      if (task != null && task.cancelled()) {
        throw new CancellationException();
      }
      throttle.pace(bytes);
    }
  }

  /**
   * Stops the threads: a running hash is interrupted, and every thread closes its opener. Waits
   * for them all together for at most {@link #STOP_TIMEOUT}.
   */
  @Override
  public void close() {
    List<Thread> stopping;
    synchronized (this) {
      closed = true;
      stopping = List.copyOf(threads);
    }
    stopping.forEach(Thread::interrupt);
    long deadline = System.nanoTime() + STOP_TIMEOUT.toNanos();
    for (Thread thread : stopping) {
      try {
        long left = Math.max(0, deadline - System.nanoTime());
        if (!thread.join(Duration.ofNanos(left))) {
          LOG.warn("the hashing thread {} did not stop within {}", thread.getName(), STOP_TIMEOUT);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }
}
