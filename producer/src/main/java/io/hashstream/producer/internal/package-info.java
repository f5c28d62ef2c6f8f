/**
 * The producer's machinery. Threads and what each owns (see producer/ARCHITECTURE.md):
 *
 * <ul>
 *   <li>the change source's thread ({@code hashstream-watcher}) owns the {@code WatchService}, its
 *       key-to-directory tree and the scan work list;
 *   <li>the tracker's thread ({@code hashstream-tracker}) owns the index, the coalescing set of
 *       pending changes and the in-flight window;
 *   <li>the publisher's thread ({@code hashstream-publisher}) owns the {@code KafkaProducer} and the
 *       per-root sequence counters.
 * </ul>
 *
 * Threads talk only through mailboxes: the source and the publisher's callbacks post to the
 * tracker; the tracker posts to the publisher.
 */
@NullMarked
package io.hashstream.producer.internal;

import org.jspecify.annotations.NullMarked;
