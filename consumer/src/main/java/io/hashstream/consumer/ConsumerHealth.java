package io.hashstream.consumer;

/**
 * What an instance says about itself, for {@code /health}.
 *
 * @param reason empty when ready; otherwise one line for the operator
 */
public record ConsumerHealth(Status status, String reason) {
  public enum Status {
    READY,
    /** It hashes and commits, but something needs a look (see the reason and the log). */
    DEGRADED,
    /** It is stopping and will not recover. */
    FAILING
  }

  public static ConsumerHealth ready() {
    return new ConsumerHealth(Status.READY, "");
  }
}
