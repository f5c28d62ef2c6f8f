package io.hashstream.producer;

import java.io.Serial;
import org.jspecify.annotations.Nullable;

/**
 * The producer could not start, or stopped for good. The message is one line that says what to do;
 * {@link #isConfiguration()} tells a mistake in the settings (a root that is not a directory) from a
 * failure of the environment (an unreachable broker).
 */
public class ProducerException extends RuntimeException {
  @Serial private static final long serialVersionUID = 1L;

  private final boolean configuration;

  public ProducerException(String message, @Nullable Throwable cause) {
    this(message, cause, false);
  }

  private ProducerException(String message, @Nullable Throwable cause, boolean configuration) {
    super(message, cause);
    this.configuration = configuration;
  }

  /** A mistake in the settings: fix the command line or the configuration. */
  public static ProducerException configuration(String message) {
    return new ProducerException(message, null, true);
  }

  public boolean isConfiguration() {
    return configuration;
  }
}
