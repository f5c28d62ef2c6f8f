package io.hashstream.producer.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.Random;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class IndexEntryCodecTest {
  @ParameterizedTest(name = "seed {0}")
  @ValueSource(longs = {1, 7, 20261204})
  void everyEntryReadsBackAsItWasWrittenAndNoLonger(long seed) {
    Random random = new Random(seed);
    byte[] buffer = new byte[IndexEntry.MAX_ENCODED_LENGTH * 3];
    for (int i = 0; i < 20_000; i++) {
      IndexEntry entry = randomEntry(random);
      int offset = random.nextInt(IndexEntry.MAX_ENCODED_LENGTH);
      Arrays.fill(buffer, (byte) 0x5a);
      int end = entry.encode(buffer, offset);
      assertThat(end - offset).isBetween(1, IndexEntry.MAX_ENCODED_LENGTH);
      assertThat(IndexEntry.encodedLength(buffer, offset)).isEqualTo(end - offset);
      assertThat(IndexEntry.decode(buffer, offset)).isEqualTo(entry);
      assertThat(buffer[end]).as("nothing written past the end").isEqualTo((byte) 0x5a);
    }
  }

  @ParameterizedTest(name = "seed {0}")
  @ValueSource(longs = {3, 11})
  void varintsRoundTripAtTheLengthTheySay(long seed) {
    Random random = new Random(seed);
    byte[] buffer = new byte[Varint.MAX_LENGTH];
    for (int i = 0; i < 20_000; i++) {
      long value = switch (random.nextInt(4)) {
        case 0 -> random.nextLong();
        case 1 -> random.nextInt(300);
        case 2 -> Long.MIN_VALUE + random.nextInt(3);
        default -> random.nextLong() >>> random.nextInt(64);
      };
      int end = Varint.write(buffer, 0, value);
      assertThat(end).isEqualTo(Varint.length(value));
      assertThat(Varint.skip(buffer, 0)).isEqualTo(end);
      int[] at = {0};
      assertThat(Varint.read(buffer, at)).isEqualTo(value);
      assertThat(at[0]).isEqualTo(end);
      assertThat(Varint.unzigzag(Varint.zigzag(value))).isEqualTo(value);
    }
  }

  @ParameterizedTest(name = "seed {0}")
  @ValueSource(longs = {5})
  void aPublishedEntryOfAFreshFileIsAboutTwentyBytes(long seed) {
    Random random = new Random(seed);
    long now = 1_764_800_000_123_456_789L;
    byte[] buffer = new byte[IndexEntry.MAX_ENCODED_LENGTH];
    for (int i = 0; i < 1000; i++) {
      long mtime = now + random.nextInt(1_000_000_000);
      IndexEntry entry = IndexEntry.published(
          new FileState(FileType.REGULAR, random.nextInt(8192), mtime, mtime, new FileState.Identity(2049, 1_000_000 + i)));
      assertThat(entry.encode(buffer, 0)).isLessThanOrEqualTo(18);
    }
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(ints = {11})
  void aVarintThatNeverEndsIsRefused(int length) {
    byte[] damaged = new byte[length];
    Arrays.fill(damaged, (byte) 0xff);
    assertThatThrownBy(() -> Varint.read(damaged, new int[] {0})).isInstanceOf(IllegalArgumentException.class);
  }

  static IndexEntry randomEntry(Random random) {
    FileType[] types = {FileType.REGULAR, FileType.DIRECTORY, FileType.SYMLINK, FileType.OTHER};
    FileType type = types[random.nextInt(types.length)];
    return switch (random.nextInt(4)) {
      case 0 -> IndexEntry.uncertain();
      case 1 -> IndexEntry.recorded(type, maybe(random, random.nextLong()), maybe(random, time(random)), maybe(random, time(random)));
      default -> {
        @Nullable Long changed = maybe(random, time(random));
        FileState.Identity identity =
            random.nextBoolean() ? new FileState.Identity(random.nextLong() >>> random.nextInt(64), random.nextLong()) : null;
        yield IndexEntry.published(
            new FileState(type == FileType.DIRECTORY ? FileType.REGULAR : type, random.nextLong() >>> random.nextInt(64), maybe(random, time(random)), changed, identity));
      }
    };
  }

  private static long time(Random random) {
    return random.nextBoolean() ? random.nextLong() : 1_764_800_000_000_000_000L + random.nextInt();
  }

  private static @Nullable Long maybe(Random random, long value) {
    return random.nextInt(5) == 0 ? null : value;
  }
}
