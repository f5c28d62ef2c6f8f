package io.hashstream.consumer.internal;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether Kafka answers, as the poll thread last saw it: says once that it does not, and once when
 * it does again, so an outage of any length is two lines. The poll thread writes it; {@code
 * /health} reads it from another thread.
 */
final class BrokerOutage {
  private static final Logger LOG = LoggerFactory.getLogger(BrokerOutage.class);

  private final String address;
  /** When the outage began ({@link System#nanoTime}); null while Kafka answers. */
  private volatile @Nullable Long since;

  BrokerOutage(String address) {
    this.address = address;
  }

  /** Kafka did not answer {@code what}: the first time in a row, say so. */
  void unanswered(String what) {
    if (since == null) {
      since = System.nanoTime();
      LOG.warn("Kafka at {} does not answer ({}); waiting for it", address, what);
    }
  }

  /** Kafka answered: if it had not, say that it is back. */
  void answered() {
    Long began = since;
    if (began != null) {
      since = null;
      LOG.info("Kafka at {} answers again, after {} s", address, seconds(began));
    }
  }

  /** One line for {@code /health} while Kafka does not answer; null while it does. */
  @Nullable String describe() {
    Long began = since;
    return began == null ? null : "Kafka at " + address + " has not answered for " + seconds(began) + " s";
  }

  private static long seconds(long began) {
    return (System.nanoTime() - began) / 1_000_000_000L;
  }
}
