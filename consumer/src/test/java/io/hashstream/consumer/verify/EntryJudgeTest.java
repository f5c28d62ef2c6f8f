package io.hashstream.consumer.verify;

import static org.assertj.core.api.Assertions.assertThat;

import io.hashstream.nativeio.FileKind;
import io.hashstream.nativeio.FileState;
import io.hashstream.nativeio.StatTime;
import io.hashstream.schemas.avro.FileType;
import io.hashstream.schemas.avro.HashStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.Random;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

/**
 * {@link EntryJudge} on seeded random files: an entry made from a file's own state says read it,
 * with no doubt; every single change of size, inode, modification or status change time says the
 * table is behind; and the entries that cannot prove drift say why.
 */
class EntryJudgeTest {
  private static final int CASES = 2_000;

  @Test
  void anEntryOfTheFileAsItIsSaysReadItWithoutDoubt() {
    Random random = new Random(22);
    for (int i = 0; i < CASES; i++) {
      FileState state = randomState(random);
      assertThat(EntryJudge.judge(entryOf(state), Optional.of(state)))
          .as("case %d: %s", i, state)
          .isEqualTo(new Judgement.WorthReading(null));
    }
  }

  @Test
  void anyChangeOfTheMetadataIsTheTableBehind() {
    Random random = new Random(23);
    for (int i = 0; i < CASES; i++) {
      FileState state = randomState(random);
      TableEntry entry = entryOf(state);
      FileState changed =
          switch (i % 4) {
            case 0 -> new FileState(FileKind.REGULAR, state.size() + 1 + random.nextInt(100), state.modified(), state.changed(), state.identity());
            case 1 -> new FileState(FileKind.REGULAR, state.size(), later(state.modified(), random), state.changed(), state.identity());
            case 2 -> new FileState(FileKind.REGULAR, state.size(), state.modified(), later(nonNull(state.changed()), random), state.identity());
            default -> new FileState(FileKind.REGULAR, state.size(), state.modified(), state.changed(), new FileState.Identity(1, nonNull(state.identity()).inode() + 1));
          };
      assertThat(EntryJudge.judge(entry, Optional.of(changed))).as("case %d", i).isInstanceOf(Judgement.Behind.class);
    }
  }

  /** {@code touch -r}: the old modification time put back, the status change time moved. */
  @Test
  void aRestoredModificationTimeDoesNotHideTheChange() {
    FileState state = randomState(new Random(24));
    FileState restored =
        new FileState(FileKind.REGULAR, state.size(), state.modified(), later(nonNull(state.changed()), new Random(1)), state.identity());
    assertThat(EntryJudge.judge(entryOf(state), Optional.of(restored)))
        .isInstanceOfSatisfying(Judgement.Behind.class, behind -> assertThat(behind.reason()).contains("status changed"));
  }

  @Test
  void entriesThatCannotProveDriftSayWhy() {
    FileState state = randomState(new Random(25));
    TableEntry entry = entryOf(state);
    TableEntry noChangeTime = withTimes(entry, entry.modified(), null, entry.hashedAt());
    assertThat(doubt(noChangeTime, state)).contains("no status change time");

    // A consumer on a host that shows microseconds only wrote the entry; this host shows nanoseconds.
    FileState fine =
        new FileState(
            FileKind.REGULAR,
            state.size(),
            withNanos(state.modified(), 123_456_789),
            withNanos(nonNull(state.changed()), 987_654_321),
            state.identity());
    TableEntry coarser = withTimes(entry, micros(fine.modified()), micros(nonNull(fine.changed())), entry.hashedAt());
    assertThat(doubt(coarser, fine)).contains("another precision");

    TableEntry hashedAtOnce = withTimes(entry, entry.modified(), entry.changed(), nonNull(entry.modified()).plusMillis(3));
    assertThat(doubt(hashedAtOnce, state)).contains("one timestamp tick");
  }

  @Test
  void entriesWithoutADigestAndOtherKindsOfFile() {
    FileState state = randomState(new Random(26));
    assertThat(EntryJudge.judge(entryOf(state), Optional.empty())).isEqualTo(new Judgement.Gone());
    TableEntry unstable = new TableEntry(HashStatus.UNSTABLE, null, null, null, null, null, null, Instant.EPOCH);
    assertThat(EntryJudge.judge(unstable, Optional.of(state))).isInstanceOf(Judgement.NoDigest.class);
    TableEntry link = new TableEntry(HashStatus.NOT_REGULAR_FILE, FileType.SYMLINK, null, null, null, null, null, Instant.EPOCH);
    FileState aLink = new FileState(FileKind.SYMLINK, 5, state.modified(), state.changed(), state.identity());
    assertThat(EntryJudge.judge(link, Optional.of(aLink))).isEqualTo(new Judgement.NotAFile());
    assertThat(EntryJudge.judge(link, Optional.of(state))).isInstanceOf(Judgement.Behind.class);
    FileState aDirectory = new FileState(FileKind.DIRECTORY, 4096, state.modified(), state.changed(), state.identity());
    assertThat(EntryJudge.judge(entryOf(state), Optional.of(aDirectory))).isInstanceOf(Judgement.Behind.class);
  }

  private static @Nullable String doubt(TableEntry entry, FileState state) {
    Judgement judgement = EntryJudge.judge(entry, Optional.of(state));
    assertThat(judgement).isInstanceOf(Judgement.WorthReading.class);
    return ((Judgement.WorthReading) judgement).doubt();
  }

  private static FileState randomState(Random random) {
    long seconds = 1_600_000_000L + random.nextInt(200_000_000);
    StatTime modified = new StatTime(seconds, 1 + random.nextInt(999_999_998));
    StatTime changed = new StatTime(seconds + random.nextInt(1000), 1 + random.nextInt(999_999_998));
    return new FileState(
        FileKind.REGULAR, random.nextInt(1 << 30), modified, changed, new FileState.Identity(2049, 1 + random.nextInt(1 << 28)));
  }

  /** The entry a consumer writes for {@code state}, hashed a second after the change. */
  private static TableEntry entryOf(FileState state) {
    Instant changed = nonNull(nonNull(state.changed()).instant());
    return new TableEntry(
        HashStatus.HASHED,
        null,
        "00",
        state.size(),
        state.modified().instant(),
        changed,
        nonNull(state.identity()).inode(),
        changed.plusSeconds(1));
  }

  private static TableEntry withTimes(TableEntry entry, @Nullable Instant modified, @Nullable Instant changed, Instant hashedAt) {
    return new TableEntry(entry.status(), entry.fileType(), entry.digest(), entry.size(), modified, changed, entry.inode(), hashedAt);
  }

  private static StatTime later(StatTime time, Random random) {
    Instant moved = nonNull(time.instant()).plus(Duration.ofNanos(1 + random.nextInt(1_000_000_000)));
    return StatTime.of(moved);
  }

  private static StatTime withNanos(StatTime time, int nanos) {
    return new StatTime(time.seconds(), nanos);
  }

  private static Instant micros(StatTime time) {
    return Instant.ofEpochSecond(time.seconds(), time.nanos() - time.nanos() % 1000);
  }

  private static <T> T nonNull(@Nullable T value) {
    assertThat(value).isNotNull();
    return java.util.Objects.requireNonNull(value);
  }
}
