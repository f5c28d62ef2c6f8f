package io.hashstream.producer.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.hashstream.schemas.avro.HashResult;
import io.hashstream.schemas.avro.HashStatus;
import io.hashstream.schemas.avro.SourceEvent;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class HashTableEntryTest {
  private static final Instant MODIFIED = Instant.parse("2026-11-01T10:00:00.123456789Z");
  private static final FileState ON_DISK =
      new FileState(FileType.REGULAR, 6, FileState.nanos(MODIFIED), null, new FileState.Identity(1, 2));

  @Test
  void aHashedResultMatchesTheFileItDescribes() {
    assertThat(HashTable.entry(result(HashStatus.HASHED)).matches(ON_DISK)).isTrue();
  }

  /** Not settled: a file unreadable then may be readable now, with nothing the diff would see. */
  @ParameterizedTest
  @EnumSource(
      value = HashStatus.class,
      names = {"UNREADABLE", "UNSTABLE", "UNKNOWN"})
  void anUnsettledResultIsUncertainSoTheNextStartPublishesThePathAgain(HashStatus status) {
    IndexEntry entry = HashTable.entry(result(status));
    assertThat(entry.isUncertain()).isTrue();
    assertThat(entry.matches(ON_DISK)).isFalse();
  }

  private static HashResult result(HashStatus status) {
    return HashResult.newBuilder()
        .setRoot("r")
        .setPath("f")
        .setStatus(status)
        .setReason(status == HashStatus.HASHED ? null : "a reason")
        .setAlgorithm("SHA-256")
        .setSize(6L)
        .setModified(MODIFIED)
        .setSource(new SourceEvent(java.util.UUID.fromString("00000000-0000-4000-8000-000000000000"), "hashstream.events", 0, 0L))
        .setConsumerId("c")
        .setHashedAt(Instant.parse("2026-11-01T10:00:01Z"))
        .build();
  }
}
