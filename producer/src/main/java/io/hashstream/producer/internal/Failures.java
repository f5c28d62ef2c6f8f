package io.hashstream.producer.internal;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where the producer's threads report that they died. A thread never dies silently: the first
 * failure is kept, logged with its stack trace, and ends {@link #await}.
 */
public final class Failures {
  private static final Logger LOG = LoggerFactory.getLogger(Failures.class);

  private final AtomicReference<@Nullable Throwable> first = new AtomicReference<>();
  private final CountDownLatch ended = new CountDownLatch(1);

  /** Records that {@code component}'s thread stopped on {@code failure}. */
  public void fail(String component, Throwable failure) {
    LOG.error("the {} stopped: {}", component, failure.toString(), failure);
    first.compareAndSet(null, failure);
    ended.countDown();
  }

  /** Ends {@link #await} without a failure (the producer was closed). */
  public void closed() {
    ended.countDown();
  }

  public @Nullable Throwable failure() {
    return first.get();
  }

  /** Waits until a thread failed or the producer was closed; true if either happened in time. */
  public boolean await(long timeout, TimeUnit unit) throws InterruptedException {
    return ended.await(timeout, unit);
  }

  public void await() throws InterruptedException {
    ended.await();
  }
}
