/**
 * The hashstream producer: watches directory trees, scans them, and publishes one {@code
 * FileChangeEvent} per change to the events topic. {@link io.hashstream.producer.FileProducer} is the
 * entry point; its settings are {@link io.hashstream.producer.ProducerSettings}, {@link
 * io.hashstream.producer.WatchedRoot} and {@link io.hashstream.producer.KafkaSettings}. Everything
 * else lives in {@code io.hashstream.producer.internal}.
 */
@NullMarked
package io.hashstream.producer;

import org.jspecify.annotations.NullMarked;
