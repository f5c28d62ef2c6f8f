package io.hashstream.consumer.internal;

import io.hashstream.consumer.DeadLetterHeaders;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;

/** Builds the dead-letter copy of an event that can never be processed. */
final class DeadLetters {
  /** Why a record is dead-lettered; the code is a metric tag and a header. */
  enum Reason {
    UNDECODABLE("undecodable"),
    NO_VALUE("no-value"),
    UNSAFE_PATH("unsafe-path"),
    KEY_MISMATCH("key-mismatch"),
    /** Only with {@code UnknownRootPolicy.DEAD_LETTER}: the root is served by another group. */
    UNKNOWN_ROOT("unknown-root");

    private final String code;

    Reason(String code) {
      this.code = code;
    }

    String code() {
      return code;
    }
  }

  private final String topic;

  DeadLetters(String topic) {
    this.topic = topic;
  }

  String topic() {
    return topic;
  }

  ProducerRecord<byte[], byte[]> of(ConsumerRecord<byte[], byte[]> source, Reason reason, String detail) {
    Headers headers = new RecordHeaders(source.headers().toArray());
    add(headers, DeadLetterHeaders.REASON_CODE, reason.code());
    add(headers, DeadLetterHeaders.REASON, detail);
    add(headers, DeadLetterHeaders.SOURCE_TOPIC, source.topic());
    add(headers, DeadLetterHeaders.SOURCE_PARTITION, Integer.toString(source.partition()));
    add(headers, DeadLetterHeaders.SOURCE_OFFSET, Long.toString(source.offset()));
    add(headers, DeadLetterHeaders.SOURCE_TIMESTAMP, Long.toString(source.timestamp()));
    return new ProducerRecord<>(topic, null, source.key(), source.value(), headers);
  }

  private static void add(Headers headers, String name, String value) {
    headers.add(name, value.getBytes(StandardCharsets.UTF_8));
  }
}
