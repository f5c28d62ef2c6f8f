package io.hashstream.consumer.internal;

import io.hashstream.consumer.internal.nativeio.FileOpener;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CancellationException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The hashing threads. Each owns its {@link FileHashing} (opener, read buffer, digest) for its
 * whole life and closes it on its way out; tasks reach them through one queue and go back to the
 * poll thread through {@code done}. A thread never touches a Kafka client.
 */
final class HashWorkers implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(HashWorkers.class);
  private static final Duration STOP_TIMEOUT = Duration.ofSeconds(10);

  private final BlockingQueue<HashTask> queue = new LinkedBlockingQueue<>();
  private final List<Thread> threads = new ArrayList<>();
  private final Consumer<HashTask> done;
  private final ReadThrottle throttle;
  private final String description;

  HashWorkers(int count, String name, ReadThrottle throttle, Consumer<HashTask> done) {
    this.done = done;
    this.throttle = throttle;
    String described = "";
    for (int i = 0; i < count; i++) {
      // Made here, owned from its start by the thread it is handed to, which closes it.
      FileOpener opener = FileOpener.forThisPlatform();
      described = opener.description();
      threads.add(Thread.ofPlatform().name(name + "-hash-" + i).daemon().start(() -> work(opener)));
    }
    this.description = described;
  }

  /** How files are opened, for the start-up log. */
  String description() {
    return description;
  }

  void submit(HashTask task) {
    queue.add(task);
  }

  private void work(FileOpener opener) {
    TaskWatch watch = new TaskWatch(throttle);
    try (FileHashing hashing = new FileHashing(opener, watch)) {
      while (true) {
        HashTask task = queue.take();
        if (!task.start()) {
          continue;
        }
        watch.current = task;
        long started = System.nanoTime();
        try {
          HashOutcome outcome =
              hashing.hash(
                  task.root(),
                  task.key().path(),
                  new FileHashing.Expected(task.event().getSize(), task.event().getModified()));
          if (task.finish(outcome, System.nanoTime() - started)) {
            done.accept(task);
          }
        } catch (CancellationException e) {
          // The poll thread no longer wants it; it forgot the task already.
        } catch (RuntimeException e) {
          if (task.fail(e)) {
            done.accept(task);
          }
        }
      }
    } catch (InterruptedException e) {
      // Closing: the thread ends, closing its opener.
    } catch (RuntimeException e) {
      LOG.error("a hashing thread failed", e);
    }
  }

  /** Cancels through the task a thread is running; paces reads in tests. */
  private static final class TaskWatch implements ReadWatch {
    private final ReadThrottle throttle;
    private @org.jspecify.annotations.Nullable HashTask current;

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

  /** Stops the threads: a running hash is interrupted, and every thread closes its opener. */
  @Override
  public void close() {
    threads.forEach(Thread::interrupt);
    for (Thread thread : threads) {
      try {
        if (!thread.join(STOP_TIMEOUT)) {
          LOG.warn("the hashing thread {} did not stop within {}", thread.getName(), STOP_TIMEOUT);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }
}
