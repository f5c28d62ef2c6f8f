package io.hashstream.consumer.internal;

import java.util.concurrent.CountDownLatch;
import org.jspecify.annotations.Nullable;

/**
 * Points in a transaction where a crash test can stop the consumer: with the system property
 * {@value #PROPERTY} set to a point's name, the poll thread prints {@code test-hook: blocked at
 * NAME} on stderr when it first gets there and blocks for ever, so the test can kill the process at
 * exactly that point. Unset in production: then every call returns at once.
 */
public enum TestHook {
  AFTER_SEND_RESULTS,
  AFTER_SEND_OFFSETS,
  BEFORE_COMMIT;

  public static final String PROPERTY = "hashstream.test.block-at";
  private static final @Nullable TestHook ACTIVE = active();

  private static @Nullable TestHook active() {
    String name = System.getProperty(PROPERTY);
    return name == null ? null : TestHook.valueOf(name);
  }

  /** Blocks for ever if this is the active point; returns at once otherwise. */
  public void reached() throws InterruptedException {
    if (ACTIVE != this) {
      return;
    }
    System.err.println("test-hook: blocked at " + name());
    System.err.flush();
    new CountDownLatch(1).await();
  }
}
