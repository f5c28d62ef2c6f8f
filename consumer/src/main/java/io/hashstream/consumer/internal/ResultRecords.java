package io.hashstream.consumer.internal;

import io.hashstream.nativeio.StatTime;

import io.hashstream.nativeio.FileState;

import io.hashstream.nativeio.FileKind;

import io.hashstream.consumer.HashAlgorithm;
import io.hashstream.schemas.FileKey;
import io.hashstream.schemas.SourceHeaders;
import io.hashstream.schemas.avro.FileIdentity;
import io.hashstream.schemas.avro.FileType;
import io.hashstream.schemas.avro.HashResult;
import io.hashstream.schemas.avro.HashStatus;
import io.hashstream.schemas.avro.NamedDigest;
import io.hashstream.schemas.avro.SourceEvent;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.jspecify.annotations.Nullable;

/**
 * The one place where hashing outcomes become Avro {@code HashResult}s: keyed like the event, a
 * tombstone (null value, headers naming the source event) for a gone file.
 */
public final class ResultRecords {
  private final String hashesTopic;
  private final String consumerId;
  private final Clock clock;

  public ResultRecords(String hashesTopic, String consumerId, Clock clock) {
    this.hashesTopic = hashesTopic;
    this.consumerId = consumerId;
    this.clock = clock;
  }

  /** Where the answered event was read from. */
  public record Source(UUID eventId, String topic, int partition, long offset) {}

  /** The record for {@code outcome}; empty for a refused path, which publishes nothing. */
  public Optional<ProducerRecord<String, HashResult>> of(
      FileKey key, Source source, HashOutcome outcome) {
    SourceEvent sourceEvent =
        SourceEvent.newBuilder()
            .setEventId(source.eventId())
            .setTopic(source.topic())
            .setPartition(source.partition())
            .setOffset(source.offset())
            .build();
    HashResult.Builder result =
        HashResult.newBuilder()
            .setRoot(key.root())
            .setPath(key.path())
            .setAlgorithm(HashAlgorithm.FIRST.standardName())
            .setSource(sourceEvent)
            .setConsumerId(consumerId)
            .setHashedAt(clock.instant().truncatedTo(ChronoUnit.MICROS));
    HashResult value;
    switch (outcome) {
      case HashOutcome.Refused refused -> {
        return Optional.empty();
      }
      case HashOutcome.Gone gone -> {
        // A null value: Kafka's record classes carry no nullness annotations, and compaction needs it.
        ProducerRecord<String, HashResult> tombstone =
            new ProducerRecord<>(hashesTopic, null, key.key(), null, SourceHeaders.of(sourceEvent));
        return Optional.of(tombstone);
      }
      case HashOutcome.Hashed hashed -> {
        withState(result, hashed.state());
        value =
            result
                .setStatus(HashStatus.HASHED)
                .setDigest(ByteBuffer.wrap(hashed.digest()))
                .setDigests(named(hashed.digests()))
                .build();
      }
      case HashOutcome.NotRegular notRegular -> {
        withState(result, notRegular.state());
        value =
            result
                .setStatus(HashStatus.NOT_REGULAR_FILE)
                .setFileType(fileType(notRegular.state().kind()))
                .build();
      }
      case HashOutcome.Unreadable unreadable -> {
        withState(result, unreadable.state());
        value = result.setStatus(HashStatus.UNREADABLE).setReason(unreadable.reason()).build();
      }
      case HashOutcome.NotVisible notVisible -> {
        value = result.setStatus(HashStatus.UNSTABLE).setReason(notVisible.reason()).build();
      }
      case HashOutcome.Unstable unstable -> {
        withState(result, unstable.state());
        value = result.setStatus(HashStatus.UNSTABLE).setReason(unstable.reason()).build();
      }
    }
    ProducerRecord<String, HashResult> record =
        new ProducerRecord<>(hashesTopic, null, key.key(), value, SourceHeaders.of(sourceEvent));
    return Optional.of(record);
  }

  /** Every digest, where there are several; null for SHA-256 alone, as before the field existed. */
  private static @Nullable List<NamedDigest> named(List<Digest> digests) {
    if (digests.size() == 1) {
      return null;
    }
    return digests.stream()
        .map(d -> new NamedDigest(d.algorithm().standardName(), ByteBuffer.wrap(d.value())))
        .toList();
  }

  private static void withState(HashResult.Builder result, @Nullable FileState state) {
    if (state == null) {
      return;
    }
    result.setSize(state.size());
    result.setModified(state.modified().forRecord());
    StatTime changed = state.changed();
    result.setStatusChanged(changed == null ? null : changed.forRecord());
    FileState.Identity identity = state.identity();
    if (identity != null) {
      result.setFileIdentity(new FileIdentity(identity.device(), identity.inode()));
    }
  }

  private static FileType fileType(FileKind kind) {
    return switch (kind) {
      case DIRECTORY -> FileType.DIRECTORY;
      case SYMLINK -> FileType.SYMLINK;
      case FIFO -> FileType.FIFO;
      case DEVICE -> FileType.DEVICE;
      case SOCKET -> FileType.SOCKET;
      case REGULAR, OTHER -> FileType.OTHER;
    };
  }
}
