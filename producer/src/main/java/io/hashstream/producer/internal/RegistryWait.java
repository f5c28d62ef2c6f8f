package io.hashstream.producer.internal;

import io.hashstream.producer.ProducerException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A start that meets the schema registry down waits for it, as the consumer does: a producer
 * started during a registry outage must publish once it is over, not exit. Says once that it waits
 * (1 s, doubling to 30 s, between tries) and once that the registry answers again. One start's
 * thread owns it.
 */
public final class RegistryWait {
  private static final Logger LOG = LoggerFactory.getLogger(RegistryWait.class);
  private static final Duration FIRST = Duration.ofSeconds(1);
  private static final Duration MOST = Duration.ofSeconds(30);

  private final String url;
  private Duration next = FIRST;
  private long since = -1;

  public RegistryWait(String url) {
    this.url = url;
  }

  /**
   * The registry did not answer {@code what}: waits before the next try.
   *
   * @throws ProducerException if interrupted while waiting (the start is being stopped)
   */
  public void unanswered(String what) {
    if (since < 0) {
      since = System.nanoTime();
      LOG.warn("the schema registry at {} does not answer ({}); waiting for it", url, what);
    }
    try {
      Thread.sleep(next);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ProducerException("interrupted while waiting for the schema registry at " + url, e);
    }
    Duration doubled = next.multipliedBy(2);
    next = doubled.compareTo(MOST) > 0 ? MOST : doubled;
  }

  /** It answered: if it had not, say so. */
  public void answered() {
    if (since >= 0) {
      LOG.info(
          "the schema registry at {} answers again, after {} s",
          url,
          TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - since));
      since = -1;
      next = FIRST;
    }
  }
}
