package io.hashstream.consumer.internal;

/** Kafka did not answer in time: the caller waits and tries again, it never stops the instance. */
final class KafkaUnavailableException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  KafkaUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }

  KafkaUnavailableException(String message) {
    super(message);
  }
}
