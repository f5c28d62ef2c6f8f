package io.hashstream.consumer.internal;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;

/**
 * Points in a transaction where a test can stop the consumer: with the system property {@value
 * #PROPERTY} set to a point's name, the poll thread prints {@code test-hook: blocked at NAME} on
 * stderr when it gets there and blocks until {@link #release} (a crash test in another process
 * never calls it and kills the process at exactly that point). Read at each call, so an
 * in-process test can set it and clear it; unset in production, where the look-up is all it costs.
 */
public enum TestHook {
  AFTER_SEND_RESULTS,
  AFTER_SEND_OFFSETS,
  BEFORE_COMMIT;

  public static final String PROPERTY = "hashstream.test.block-at";
  /** The latch the blocked poll thread waits on; null while none is blocked. */
  private static final AtomicReference<@Nullable CountDownLatch> BLOCKED = new AtomicReference<>();

  /** Blocks until {@link #release} if this is the active point; returns at once otherwise. */
  public void reached() throws InterruptedException {
    if (!name().equals(System.getProperty(PROPERTY))) {
      return;
    }
    CountDownLatch latch = new CountDownLatch(1);
    BLOCKED.set(latch);
    System.err.println("test-hook: blocked at " + name());
    System.err.flush();
    latch.await();
  }

  /** Whether a poll thread of this JVM is blocked at the active point. */
  public static boolean blocked() {
    return BLOCKED.get() != null;
  }

  /** Lets the blocked poll thread go on, if one is blocked. */
  public static void release() {
    CountDownLatch latch = BLOCKED.getAndSet(null);
    if (latch != null) {
      latch.countDown();
    }
  }
}
