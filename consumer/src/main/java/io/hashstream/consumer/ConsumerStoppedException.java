package io.hashstream.consumer;

/**
 * The consumer cannot go on: a configuration it cannot work with, a broker it cannot reach at start,
 * or a fatal Kafka error (fenced by a newer instance with the same id, not authorized). The message
 * is one line for the user.
 */
public final class ConsumerStoppedException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public ConsumerStoppedException(String message) {
    super(message);
  }

  public ConsumerStoppedException(String message, Throwable cause) {
    super(message, cause);
  }
}
