/**
 * hashstream's contract with downstream readers: topic and subject names ({@link
 * io.hashstream.schemas.Topics}), the record key {@code <root>/<relative path>} ({@link
 * io.hashstream.schemas.FileKey}), the headers of a hash-topic tombstone ({@link
 * io.hashstream.schemas.SourceHeaders}), and the trust Avro needs to instantiate the generated
 * classes ({@link io.hashstream.schemas.TrustedAvroClasses}). The record types themselves are in
 * {@code io.hashstream.schemas.avro}, the Kafka serde in {@code io.hashstream.schemas.serde}.
 */
@NullMarked
package io.hashstream.schemas;

import org.jspecify.annotations.NullMarked;
