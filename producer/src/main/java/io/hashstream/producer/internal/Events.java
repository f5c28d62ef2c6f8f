package io.hashstream.producer.internal;

import io.hashstream.schemas.avro.FileChangeEvent;
import io.hashstream.schemas.avro.FileIdentity;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.UUID;

/** The one place where the producer's values become Avro records. */
public final class Events {
  private Events() {}

  public static FileChangeEvent event(Outgoing outgoing, UUID eventId, String producerId, long epoch, long sequence) {
    FileState state = outgoing.state();
    FileState.Identity identity = state == null ? null : state.identity();
    return FileChangeEvent.newBuilder()
        .setEventId(eventId)
        .setProducerId(producerId)
        .setRoot(outgoing.ref().root())
        .setPath(outgoing.ref().path())
        .setKind(outgoing.kind())
        .setSize(state == null ? null : state.size())
        .setModified(state == null ? null : state.modified())
        .setFileIdentity(
            identity == null
                ? null
                : FileIdentity.newBuilder()
                    .setDevice(identity.device())
                    .setInode(identity.inode())
                    .build())
        .setEpoch(epoch)
        .setSequence(sequence)
        .setDetectedAt(Instant.EPOCH.plus(outgoing.detectedAtMicros(), ChronoUnit.MICROS))
        .setStatusChanged(state == null ? null : state.changed())
        .build();
  }
}
