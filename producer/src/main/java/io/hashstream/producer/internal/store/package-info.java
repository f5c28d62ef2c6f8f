/**
 * The producer's persisted index: a snapshot of every root's {@code Index} and a log of the
 * changes since, in the state directory, so that a restart reads the hash table only from where the
 * index left it. The format and its crash safety are described in ARCHITECTURE.md.
 */
@NullMarked
package io.hashstream.producer.internal.store;

import org.jspecify.annotations.NullMarked;
