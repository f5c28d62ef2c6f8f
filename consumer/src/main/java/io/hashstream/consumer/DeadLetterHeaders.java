package io.hashstream.consumer;

/**
 * Headers of a record in the dead-letter topic ({@code <events topic>.dlq}). The record keeps the
 * original key, value and headers; these say why it is there and where it came from, as UTF-8
 * strings.
 */
public final class DeadLetterHeaders {
  /** A short code: {@code undecodable}, {@code no-value}, {@code unsafe-path}, {@code key-mismatch}. */
  public static final String REASON_CODE = "hashstream.dlq.reason-code";
  /** The whole reason, for a person. */
  public static final String REASON = "hashstream.dlq.reason";
  public static final String SOURCE_TOPIC = "hashstream.dlq.source.topic";
  public static final String SOURCE_PARTITION = "hashstream.dlq.source.partition";
  public static final String SOURCE_OFFSET = "hashstream.dlq.source.offset";
  /** The source record's timestamp, in milliseconds since the epoch. */
  public static final String SOURCE_TIMESTAMP = "hashstream.dlq.source.timestamp";

  private DeadLetterHeaders() {}
}
