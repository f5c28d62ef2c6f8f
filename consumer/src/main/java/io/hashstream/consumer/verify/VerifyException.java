package io.hashstream.consumer.verify;

/** Verify cannot run: the message says why in one line. */
public final class VerifyException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public VerifyException(String message) {
    super(message);
  }

  public VerifyException(String message, Throwable cause) {
    super(message, cause);
  }
}
