package io.hashstream.consumer.internal;

import io.hashstream.schemas.avro.HashResult;
import org.apache.kafka.clients.producer.ProducerRecord;

/** What one settled record adds to the transaction that commits past it. */
sealed interface Output {
  record Result(ProducerRecord<String, HashResult> record) implements Output {}

  record DeadLetter(ProducerRecord<byte[], byte[]> copy) implements Output {}

  /** Nothing of its own: the result of a newer event of the same key answers it. */
  record Covered() implements Output {}
}
