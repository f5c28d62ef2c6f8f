package io.hashstream.schemas;

import io.hashstream.schemas.avro.ChangeKind;
import io.hashstream.schemas.avro.FileChangeEvent;
import io.hashstream.schemas.avro.FileIdentity;
import io.hashstream.schemas.avro.FileType;
import io.hashstream.schemas.avro.HashResult;
import io.hashstream.schemas.avro.HashStatus;
import io.hashstream.schemas.avro.SourceEvent;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Random;
import java.util.UUID;

/**
 * Seeded random records for property-style tests: names with spaces, leading dashes, non-ASCII
 * and supplementary characters, empty and 4,096-byte paths, null and present optional fields.
 */
public final class RandomRecords {
  /** Name pieces a file system may hold. */
  private static final String[] PIECES = {
    "a", "report", " ", "  ", "-", "--rf", "dé", "Ünïcödé", "日本語", "Ω", "😀", "\uFFFD", "ß", "x.y",
    "with space", "tab\there", "new\nline", "#", "%20", "\\", "'", "\"", "~", "ą", "한국어", "ﷺ"
  };

  /** The exact UTF-8 length of the long path, the Linux PATH_MAX. */
  public static final int LONG_PATH_BYTES = 4096;

  private static final Instant BASE_TIME = Instant.parse("2026-11-25T12:00:00Z");

  private final Random random;

  public RandomRecords(long seed) {
    this.random = new Random(seed);
  }

  public Random random() {
    return random;
  }

  /** A valid root name, 1 to 20 characters of [A-Za-z0-9._-]. */
  public String root() {
    String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._-";
    int length = 1 + random.nextInt(20);
    StringBuilder root = new StringBuilder(length);
    for (int i = 0; i < length; i++) {
      root.append(alphabet.charAt(random.nextInt(alphabet.length())));
    }
    return root.toString();
  }

  /** A valid relative path (never empty), of 1 to 5 segments. */
  public String path() {
    int segments = 1 + random.nextInt(5);
    StringBuilder path = new StringBuilder();
    for (int s = 0; s < segments; s++) {
      if (s > 0) {
        path.append('/');
      }
      String segment;
      do {
        segment = segment();
      } while (segment.equals(".") || segment.equals(".."));
      path.append(segment);
    }
    return path.toString();
  }

  private String segment() {
    int pieces = 1 + random.nextInt(4);
    StringBuilder segment = new StringBuilder();
    for (int i = 0; i < pieces; i++) {
      segment.append(PIECES[random.nextInt(PIECES.length)]);
    }
    return segment.toString();
  }

  /** A path field as a record may carry it: sometimes empty, sometimes 4,096 UTF-8 bytes. */
  public String anyPath() {
    return switch (random.nextInt(6)) {
      case 0 -> "";
      case 1 -> longPath();
      default -> path();
    };
  }

  /** A valid path of exactly {@link #LONG_PATH_BYTES} UTF-8 bytes, mixing 1- to 4-byte chars. */
  public String longPath() {
    String[] chars = {"a", "é", "日", "😀", "/b", " "};
    StringBuilder path = new StringBuilder("start");
    int bytes = path.length();
    while (true) {
      String next = chars[random.nextInt(chars.length)];
      int size = next.getBytes(StandardCharsets.UTF_8).length;
      if (bytes + size > LONG_PATH_BYTES - 1) {
        break;
      }
      if (next.startsWith("/") && path.charAt(path.length() - 1) == '/') {
        continue;
      }
      path.append(next);
      bytes += size;
    }
    while (bytes < LONG_PATH_BYTES) {
      path.append('z');
      bytes++;
    }
    return path.toString();
  }

  /** A random event, each optional field null or present at random. */
  public FileChangeEvent event() {
    ChangeKind[] kinds = {ChangeKind.CREATED, ChangeKind.MODIFIED, ChangeKind.DELETED, ChangeKind.FOUND};
    ChangeKind kind = kinds[random.nextInt(kinds.length)];
    boolean exists = kind != ChangeKind.DELETED && random.nextInt(4) > 0;
    return FileChangeEvent.newBuilder()
        .setEventId(uuid())
        .setProducerId(segment())
        .setRoot(root())
        .setPath(anyPath())
        .setKind(kind)
        .setSize(exists ? sizeValue() : null)
        .setModified(exists ? nanosInstant() : null)
        .setFileIdentity(exists && random.nextBoolean() ? identity() : null)
        .setEpoch(random.nextLong(0, Long.MAX_VALUE))
        .setSequence(random.nextLong(0, Long.MAX_VALUE))
        .setDetectedAt(microsInstant())
        .setStatusChanged(exists && random.nextBoolean() ? nanosInstant() : null)
        .build();
  }

  /** A random hash result, consistent with its status. */
  public HashResult result() {
    HashStatus[] statuses = {
      HashStatus.HASHED, HashStatus.NOT_REGULAR_FILE, HashStatus.UNREADABLE, HashStatus.UNSTABLE
    };
    HashStatus status = statuses[random.nextInt(statuses.length)];
    FileType[] types = {
      FileType.DIRECTORY, FileType.SYMLINK, FileType.FIFO, FileType.DEVICE, FileType.SOCKET
    };
    boolean examined = status == HashStatus.HASHED || random.nextBoolean();
    return HashResult.newBuilder()
        .setRoot(root())
        .setPath(anyPath())
        .setStatus(status)
        .setFileType(status == HashStatus.NOT_REGULAR_FILE ? types[random.nextInt(types.length)] : null)
        .setReason(
            status == HashStatus.UNREADABLE || status == HashStatus.UNSTABLE ? segment() : null)
        .setAlgorithm("SHA-256")
        .setDigest(status == HashStatus.HASHED ? digest() : null)
        .setSize(examined ? sizeValue() : null)
        .setModified(examined ? nanosInstant() : null)
        .setFileIdentity(examined && random.nextBoolean() ? identity() : null)
        .setSource(source())
        .setConsumerId(segment())
        .setHashedAt(microsInstant())
        .setStatusChanged(examined && random.nextBoolean() ? nanosInstant() : null)
        .build();
  }

  public SourceEvent source() {
    return SourceEvent.newBuilder()
        .setEventId(uuid())
        .setTopic(random.nextBoolean() ? Topics.EVENTS : "t-" + root())
        .setPartition(random.nextInt(0, Integer.MAX_VALUE))
        .setOffset(random.nextLong(0, Long.MAX_VALUE))
        .build();
  }

  /** A version-4 UUID from the seeded generator. */
  public UUID uuid() {
    long most = (random.nextLong() & ~0xF000L) | 0x4000L;
    long least = (random.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
    return new UUID(most, least);
  }

  private long sizeValue() {
    return random.nextBoolean() ? random.nextInt(10_000) : random.nextLong(0, Long.MAX_VALUE);
  }

  private FileIdentity identity() {
    return new FileIdentity(random.nextLong(), random.nextLong());
  }

  private ByteBuffer digest() {
    byte[] bytes = new byte[32];
    random.nextBytes(bytes);
    return ByteBuffer.wrap(bytes);
  }

  /** An instant that a long of nanoseconds since the epoch holds, with nanosecond precision. */
  public Instant nanosInstant() {
    long nanos = random.nextLong(Long.MIN_VALUE / 2, Long.MAX_VALUE / 2);
    return Instant.ofEpochSecond(Math.floorDiv(nanos, 1_000_000_000L), Math.floorMod(nanos, 1_000_000_000L));
  }

  /** An instant of the last 30 years with microsecond precision, as timestamp-micros keeps it. */
  public Instant microsInstant() {
    return BASE_TIME
        .minusNanos(random.nextLong(0, 1_000_000_000_000_000L))
        .truncatedTo(ChronoUnit.MICROS);
  }
}
