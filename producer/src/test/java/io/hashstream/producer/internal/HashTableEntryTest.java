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

  /**
   * The racy case: a digest taken within one tick (10 ms here) of the file's last change may miss
   * a rewrite of the same size in that tick; the next start publishes it again. Later, it is settled.
   */
  @Test
  void aDigestTakenWithinATickOfTheLastChangeIsUncertain() {
    HashResult racy = result(HashStatus.HASHED, MODIFIED, MODIFIED.plusMillis(3));
    assertThat(HashTable.entry(racy).isUncertain()).isTrue();
    HashResult later = result(HashStatus.HASHED, MODIFIED, MODIFIED.plusMillis(50));
    assertThat(HashTable.entry(later).matches(ON_DISK)).isTrue();
    // Whole seconds (a coarse mount): the tick is a second.
    Instant second = Instant.parse("2026-11-01T10:00:00Z");
    HashResult coarse = result(HashStatus.HASHED, second, second.plusMillis(500));
    assertThat(HashTable.entry(coarse).isUncertain()).isTrue();
  }

  private static HashResult result(HashStatus status) {
    return result(status, MODIFIED, Instant.parse("2026-11-01T10:00:01Z"));
  }

  private static HashResult result(HashStatus status, Instant modified, Instant hashedAt) {
    return HashResult.newBuilder()
        .setRoot("r")
        .setPath("f")
        .setStatus(status)
        .setReason(status == HashStatus.HASHED ? null : "a reason")
        .setAlgorithm("SHA-256")
        .setSize(6L)
        .setModified(modified)
        .setSource(new SourceEvent(java.util.UUID.fromString("00000000-0000-4000-8000-000000000000"), "hashstream.events", 0, 0L))
        .setConsumerId("c")
        .setHashedAt(hashedAt)
        .build();
  }
}
