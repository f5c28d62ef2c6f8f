package io.hashstream.consumer.internal;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether a service (Kafka, the schema registry) answers, as the poll thread last saw it: says once
 * that it does not, and once when it does again, so an outage of any length is two lines. The poll
 * thread writes it; {@code /health} reads it from another thread.
 */
final class Outage {
  private static final Logger LOG = LoggerFactory.getLogger(Outage.class);

  private final String service;
  private final String address;
  /** When the outage began ({@link System#nanoTime}); null while Kafka answers. */
  private volatile @Nullable Long since;

  /**
   * @param service how messages name it, capitalised: "Kafka", "The schema registry"
   */
  Outage(String service, String address) {
    this.service = service;
    this.address = address;
  }

  /** It did not answer {@code what}: the first time in a row, say so. */
  void unanswered(String what) {
    if (since == null) {
      since = System.nanoTime();
      LOG.warn("{} at {} does not answer ({}); waiting for it", service, address, what);
    }
  }

  /** It answered: if it had not, say that it is back. */
  void answered() {
    Long began = since;
    if (began != null) {
      since = null;
      LOG.info("{} at {} answers again, after {} s", service, address, seconds(began));
    }
  }

  /** One line for {@code /health} while it does not answer; null while it does. */
  @Nullable String describe() {
    Long began = since;
    return began == null ? null : service + " at " + address + " has not answered for " + seconds(began) + " s";
  }

  private static long seconds(long began) {
    return (System.nanoTime() - began) / 1_000_000_000L;
  }
}
