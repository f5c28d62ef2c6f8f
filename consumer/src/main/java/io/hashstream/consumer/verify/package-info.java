/**
 * {@code hashstream verify}: the table held against the trees. Reads the hash topic's latest value
 * of every key of the given roots, walks the trees, and re-reads the files whose metadata still
 * matches their entry, to find what the table cannot show by itself: content that changed under
 * unchanged metadata (bit rot, or a change by someone who could also set the clock), and entries
 * the pipeline has not caught up with.
 */
@NullMarked
package io.hashstream.consumer.verify;

import org.jspecify.annotations.NullMarked;
