/**
 * How the consumer works: safe path resolution, file state, streaming hashing, the transactional
 * loop, topic checks. Not an API.
 */
@NullMarked
package io.hashstream.consumer.internal;

import org.jspecify.annotations.NullMarked;
