package io.hashstream.producer.internal;

import io.hashstream.schemas.avro.ChangeKind;
import org.jspecify.annotations.Nullable;

/**
 * An event the tracker hands to the publisher.
 *
 * @param id the tracker's number for it, echoed in the acknowledgement
 * @param ref the path
 * @param kind what happened
 * @param state the path's state, null for a delete
 * @param detectedAtMicros when the change was first detected (microseconds since the Unix epoch)
 */
public record Outgoing(
    long id, PathRef ref, ChangeKind kind, @Nullable FileState state, long detectedAtMicros) {}
