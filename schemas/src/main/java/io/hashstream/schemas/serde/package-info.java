/**
 * A Kafka serializer and deserializer for Avro records in the Confluent wire format (magic byte
 * {@code 0}, a 4-byte big-endian schema id, Avro binary), configured with Confluent's property
 * names, and the failures they report: {@link io.hashstream.schemas.serde.InvalidRecordException}
 * for a record that will never decode, {@link
 * io.hashstream.schemas.serde.RegistryUnavailableException} for a registry that is down for now.
 */
@NullMarked
package io.hashstream.schemas.serde;

import org.jspecify.annotations.NullMarked;
