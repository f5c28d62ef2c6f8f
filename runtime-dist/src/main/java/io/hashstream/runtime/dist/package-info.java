/**
 * Runs inside the local runtime's child processes (the Kafka broker and the schema registry), never
 * inside hashstream itself: the watchdog agent and the class paths those processes use.
 */
@NullMarked
package io.hashstream.runtime.dist;

import org.jspecify.annotations.NullMarked;
