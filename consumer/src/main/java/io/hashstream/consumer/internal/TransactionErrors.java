package io.hashstream.consumer.internal;

import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.FencedInstanceIdException;
import org.apache.kafka.common.errors.OutOfOrderSequenceException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.UnsupportedVersionException;

/**
 * Which transactional failures end the instance. Everything else is aborted, rewound to the
 * committed offsets and retried: a stale generation after a rebalance ({@code
 * CommitFailedException}), a coordinator move, a timeout.
 */
final class TransactionErrors {
  private TransactionErrors() {}

  /** The producer cannot go on, or going on cannot help: stop this member with a clear line. */
  static boolean isFatal(Throwable failure) {
    return failure instanceof ProducerFencedException
        || failure instanceof FencedInstanceIdException
        || failure instanceof AuthorizationException
        || failure instanceof AuthenticationException
        || failure instanceof UnsupportedVersionException
        || failure instanceof OutOfOrderSequenceException;
  }

  static String describeFatal(Throwable failure, String instanceId) {
    return switch (failure) {
      case ProducerFencedException fenced ->
          "another consumer instance with the id '"
              + instanceId
              + "' started and took over; this one stops (give each instance its own --instance-id)";
      case FencedInstanceIdException fenced ->
          "another consumer instance with the id '"
              + instanceId
              + "' joined the group; this one stops (give each instance its own --instance-id)";
      case AuthorizationException denied -> "not authorized: " + denied.getMessage();
      case AuthenticationException denied -> "authentication failed: " + denied.getMessage();
      default -> "a fatal Kafka error: " + failure;
    };
  }
}
