package io.hashstream.consumer.internal;

import java.time.Duration;
import io.hashstream.consumer.ConsumerSettings;
import io.hashstream.schemas.security.Refusals;
import org.apache.kafka.common.errors.FencedInstanceIdException;
import org.apache.kafka.common.errors.InvalidProducerEpochException;
import org.apache.kafka.common.errors.InvalidTxnStateException;
import org.apache.kafka.common.errors.OutOfOrderSequenceException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.UnsupportedVersionException;
import org.jspecify.annotations.Nullable;

/**
 * What a failed transaction, or a failed call of the consumer, means, from its whole cause chain:
 * the client wraps the error that put it in an error state ("Cannot execute transactional method
 * because we are in an error state", caused by a {@link ProducerFencedException}), so the outer
 * type alone says little.
 */
final class TransactionErrors {
  private static final int MAX_DEPTH = 16;

  private TransactionErrors() {}

  /**
   * Whom a failure happened to, for its line.
   *
   * @param instanceId the consumer instance
   * @param principal its Kafka principal, as {@link Refusals#principalOf} names it
   * @param transactionalId its transactional id
   */
  record Who(String instanceId, String principal, String transactionalId) {
    static Who of(ConsumerSettings settings) {
      return new Who(settings.instanceId(), Refusals.principalOf(settings.clientProperties()), settings.transactionalId());
    }
  }

  /** What to do about a failure. */
  sealed interface Failure {}

  /** Going on cannot help: the instance stops with this one line. */
  record Fatal(String message) implements Failure {}

  /**
   * The broker ended the transaction itself: it stayed open longer than its timeout (a frozen
   * process or broker, a slow disk). The producer is replaced and the work redone; nobody else has
   * this instance's id.
   */
  record Expired(String message) implements Failure {}

  /** Kafka did not answer in time: the producer's state is unknown, so it is replaced. */
  record TimedOut(String message) implements Failure {}

  /** Anything else (a coordinator move, a stale generation after a rebalance): abort and redo. */
  record Abortable(String message) implements Failure {}

  /**
   * @param open how long the transaction had been open when it failed
   * @param timeout the producer's {@code transaction.timeout.ms}
   */
  static Failure classify(Throwable failure, Duration open, Duration timeout, Who who) {
    Throwable ended = open.compareTo(timeout) >= 0 ? endedByBroker(failure) : null;
    if (ended != null) {
      // What Kafka 4.4's client answers, tried: the commit of a transaction that the coordinator
      // aborted past its timeout fails with InvalidTxnStateException, and the abort after it
      // because the client is in an error state. Under other versions the coordinator's epoch
      // bump shows as InvalidProducerEpochException or ProducerFencedException. A duplicate
      // instance id is caught by the group (FencedInstanceIdException), not guessed from these.
      return new Expired(
          "the broker ended the transaction after it had been open "
              + open.toSeconds()
              + " s, longer than its timeout of "
              + timeout.toSeconds()
              + " s ("
              + ended.getClass().getSimpleName()
              + ": "
              + ended.getMessage()
              + ")");
    }
    // A transaction writes: a refusal in it is of Write, to a topic or to the transactional id.
    String fatal = fatal(failure, who, "Write");
    if (fatal != null) {
      return new Fatal(fatal);
    }
    TimeoutException timedOut = find(failure, TimeoutException.class);
    if (timedOut != null) {
      return new TimedOut(String.valueOf(timedOut.getMessage()));
    }
    return new Abortable(failure.toString());
  }

  private static @Nullable Throwable endedByBroker(Throwable failure) {
    Throwable cause = find(failure, InvalidTxnStateException.class);
    if (cause == null) {
      cause = find(failure, InvalidProducerEpochException.class);
    }
    return cause != null ? cause : find(failure, ProducerFencedException.class);
  }

  /**
   * The one line for a failure that ends the instance; null if it need not.
   *
   * @param operation what the failed call does to the resources a refusal names: {@code Read} for
   *     a poll, {@code Write} for the transactional producer
   */
  static @Nullable String fatal(Throwable failure, Who who, String operation) {
    String instanceId = who.instanceId();
    if (find(failure, ProducerFencedException.class) != null) {
      return "another consumer instance with the id '"
          + instanceId
          + "' started and took over; this one stops (give each instance its own --instance-id)";
    }
    if (find(failure, FencedInstanceIdException.class) != null) {
      return "another consumer instance with the id '"
          + instanceId
          + "' joined the group; this one stops (give each instance its own --instance-id)";
    }
    String refused = Refusals.line(failure, who.principal(), operation, who.transactionalId());
    if (refused != null) {
      return refused;
    }
    Throwable other = find(failure, UnsupportedVersionException.class);
    if (other == null) {
      other = find(failure, OutOfOrderSequenceException.class);
    }
    return other == null ? null : "a fatal Kafka error: " + other;
  }

  /** The first throwable of {@code type} in the cause chain, or null. */
  static <T extends Throwable> @Nullable T find(Throwable failure, Class<T> type) {
    // Bounded: a cause chain may loop.
    Throwable t = failure;
    for (int depth = 0; t != null && depth < MAX_DEPTH; depth++, t = t.getCause()) {
      if (type.isInstance(t)) {
        return type.cast(t);
      }
    }
    return null;
  }
}
