/**
 * The hashing consumer: reads {@code FileChangeEvent}s, hashes each file under the consumer's own
 * mount of its root, and writes {@code HashResult}s (or tombstones) to the compacted hash topic in
 * the same Kafka transaction as the input offsets. {@link io.hashstream.consumer.HashingConsumer} and
 * {@link io.hashstream.consumer.ConsumerSettings} are the public API.
 */
@NullMarked
package io.hashstream.consumer;

import org.jspecify.annotations.NullMarked;
