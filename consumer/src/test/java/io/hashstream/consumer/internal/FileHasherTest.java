package io.hashstream.consumer.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.hashstream.consumer.HashAlgorithm;
import io.hashstream.nativeio.FileOpener;
import io.hashstream.nativeio.RootDirectory;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The digests: BLAKE3 and XXH3 against their authors' test vectors, the JDK's algorithms against
 * {@link MessageDigest}, every one fed in odd splits and all at once from one read.
 */
class FileHasherTest {
  private static final HexFormat HEX = HexFormat.of();

  /**
   * BLAKE3's test_vectors.json (BLAKE3-team/BLAKE3): input length to the first 32 bytes of the
   * "hash" output; the input is 0, 1, ..., 250, 0, 1, ... .
   */
  private static final Map<Integer, String> BLAKE3_VECTORS =
      Map.ofEntries(
          Map.entry(0, "af1349b9f5f9a1a6a0404dea36dcc9499bcb25c9adc112b7cc9a93cae41f3262"),
          Map.entry(1, "2d3adedff11b61f14c886e35afa036736dcd87a74d27b5c1510225d0f592e213"),
          Map.entry(1023, "10108970eeda3eb932baac1428c7a2163b0e924c9a9e25b35bba72b28f70bd11"),
          Map.entry(1024, "42214739f095a406f3fc83deb889744ac00df831c10daa55189b5d121c855af7"),
          Map.entry(1025, "d00278ae47eb27b34faecf67b4fe263f82d5412916c1ffd97c8cb7fb814b8444"),
          Map.entry(2048, "e776b6028c7cd22a4d0ba182a8bf62205d2ef576467e838ed6f2529b85fba24a"),
          Map.entry(3073, "7124b49501012f81cc7f11ca069ec9226cecb8a2c850cfe644e327d22d3e1cd3"),
          Map.entry(8193, "bab6c09cb8ce8cf459261398d2e7aef35700bf488116ceb94a36d0f5f1b7bc3b"),
          Map.entry(16384, "f875d6646de28985646f34ee13be9a576fd515f76b5b0a26bb324735041ddde4"),
          Map.entry(31744, "62b6960e1a44bcc1eb1a611a8d6235b6b4b78f32e7abc4fb4c6cdcce94895c47"),
          Map.entry(102400, "bc3e3d41a1146b069abffad3c0d44860cf664390afce4d9661f7902e7943e085"));

  /**
   * xxHash's sanity test vectors (cli/xsum_sanity_check.c, XSUM_XXH3_testdata with seed 0):
   * input length to XXH3_64bits, over xxhsum's sanity buffer.
   */
  private static final Map<Integer, Long> XXH3_VECTORS =
      Map.ofEntries(
          Map.entry(0, 0x2D06800538D394C2L),
          Map.entry(1, 0xC44BDFF4074EECDBL),
          Map.entry(6, 0x27B56A84CD2D7325L),
          Map.entry(12, 0xA713DAF0DFBB77E7L),
          Map.entry(24, 0xA3FE70BF9D3510EBL),
          Map.entry(48, 0x397DA259ECBA1F11L),
          Map.entry(80, 0xBCDEFBBB2C47C90AL),
          Map.entry(195, 0xCD94217EE362EC3AL),
          Map.entry(403, 0xCDEB804D65C6DEA4L),
          Map.entry(512, 0x617E49599013CB6BL),
          Map.entry(2048, 0xDD59E2C3A5F038E0L),
          Map.entry(2099, 0xC6B9D9B3FC9AC765L),
          Map.entry(2240, 0x6E73A90539CF2948L),
          Map.entry(2367, 0xCB37AEB9E5D361EDL));

  @TempDir Path directory;

  @Test
  void blake3MatchesItsTestVectorsInAnySplit() {
    Random random = new Random(31);
    BLAKE3_VECTORS.forEach(
        (length, expected) -> {
          byte[] input = new byte[length];
          for (int i = 0; i < length; i++) {
            input[i] = (byte) (i % 251);
          }
          for (int trial = 0; trial < 5; trial++) {
            MessageDigest digest = FileHasher.create(HashAlgorithm.BLAKE3);
            feedInOddSplits(digest, input, random);
            assertThat(HEX.formatHex(digest.digest())).as("BLAKE3 of %d bytes", length).isEqualTo(expected);
          }
        });
  }

  @Test
  void xxh3MatchesItsTestVectorsInAnySplit() {
    Random random = new Random(32);
    XXH3_VECTORS.forEach(
        (length, expected) -> {
          byte[] input = xxhsumSanityBuffer(length);
          for (int trial = 0; trial < 5; trial++) {
            MessageDigest digest = FileHasher.create(HashAlgorithm.XXH3);
            feedInOddSplits(digest, input, random);
            assertThat(HEX.formatHex(digest.digest()))
                .as("XXH3 of %d bytes", length)
                .isEqualTo(String.format("%016x", expected));
          }
        });
  }

  @Test
  void theJdkAlgorithmsMatchMessageDigestInAnySplit() throws Exception {
    Random random = new Random(33);
    for (HashAlgorithm algorithm : HashAlgorithm.values()) {
      if (algorithm == HashAlgorithm.BLAKE3 || algorithm == HashAlgorithm.XXH3) {
        continue;
      }
      for (int trial = 0; trial < 10; trial++) {
        byte[] input = new byte[random.nextInt(300_000)];
        random.nextBytes(input);
        MessageDigest digest = FileHasher.create(algorithm);
        feedInOddSplits(digest, input, random);
        byte[] expected = MessageDigest.getInstance(algorithm.standardName()).digest(input);
        assertThat(digest.digest()).as("%s of %d bytes", algorithm, input.length).isEqualTo(expected);
      }
    }
  }

  @Test
  void allAlgorithmsAtOnceFromOneReadAreEachAlone() throws Exception {
    Random random = new Random(34);
    List<HashAlgorithm> every = Arrays.asList(HashAlgorithm.values());
    for (int trial = 0; trial < 20; trial++) {
      // Some orders and subsets, SHA-256 always first.
      List<HashAlgorithm> further = new java.util.ArrayList<>(every.subList(1, every.size()));
      java.util.Collections.shuffle(further, random);
      List<HashAlgorithm> algorithms = new java.util.ArrayList<>();
      algorithms.add(HashAlgorithm.FIRST);
      algorithms.addAll(further.subList(0, random.nextInt(further.size() + 1)));
      byte[] content = new byte[random.nextInt(4) == 0 ? random.nextInt(10) : random.nextInt(400_000)];
      random.nextBytes(content);
      Path file = Files.write(directory.resolve("f" + trial), content);

      AtomicLong watched = new AtomicLong();
      FileHasher hasher = new FileHasher(algorithms, watched::addAndGet);
      List<Digest> digests;
      try (FileChannel channel = FileChannel.open(file)) {
        digests = hasher.hash(channel);
      }

      assertThat(digests).extracting(Digest::algorithm).containsExactlyElementsOf(algorithms);
      for (Digest digest : digests) {
        assertThat(digest.value()).as("%s", digest.algorithm()).isEqualTo(alone(digest.algorithm(), content));
      }
      // The watch sees each byte once, however many algorithms take it.
      assertThat(watched.get()).isEqualTo(content.length);
    }
  }

  @Test
  void theConsumersHashingReturnsEveryDigestWithSha256First() throws Exception {
    List<HashAlgorithm> algorithms =
        List.of(HashAlgorithm.SHA_256, HashAlgorithm.BLAKE3, HashAlgorithm.XXH3, HashAlgorithm.SHA3_256);
    byte[] content = new byte[1_000_003];
    new Random(35).nextBytes(content);
    Files.write(directory.resolve("big"), content);
    try (RootDirectory root = RootDirectory.open(directory.toRealPath());
        FileHashing hashing = new FileHashing(FileOpener.forThisPlatform(), algorithms, bytes -> {})) {
      HashOutcome outcome = hashing.hash(root, "big", new FileHashing.Expected(null, null, null));
      assertThat(outcome)
          .isInstanceOfSatisfying(
              HashOutcome.Hashed.class,
              hashed -> {
                assertThat(hashed.digests()).extracting(Digest::algorithm).containsExactlyElementsOf(algorithms);
                assertThat(hashed.digest()).isEqualTo(alone(HashAlgorithm.SHA_256, content));
                for (Digest digest : hashed.digests()) {
                  assertThat(digest.value()).isEqualTo(alone(digest.algorithm(), content));
                }
              });
    }
  }

  @Test
  void theHasherReusesItsDigestsFromFileToFile() throws Exception {
    FileHasher hasher = new FileHasher(List.of(HashAlgorithm.SHA_256, HashAlgorithm.BLAKE3, HashAlgorithm.XXH3));
    Path first = Files.writeString(directory.resolve("a"), "first file");
    Path second = Files.writeString(directory.resolve("b"), "second");
    try (FileChannel a = FileChannel.open(first);
        FileChannel b = FileChannel.open(second)) {
      hasher.hash(a);
      List<Digest> digests = hasher.hash(b);
      for (Digest digest : digests) {
        assertThat(digest.value()).isEqualTo(alone(digest.algorithm(), Files.readAllBytes(second)));
      }
    }
  }

  /** The digest of {@code content} in one update, by a new digest. */
  private static byte[] alone(HashAlgorithm algorithm, byte[] content) {
    MessageDigest digest = FileHasher.create(algorithm);
    digest.update(content);
    return digest.digest();
  }

  /** Updates of random sizes, some empty, some single bytes, some through a ByteBuffer. */
  private static void feedInOddSplits(MessageDigest digest, byte[] input, Random random) {
    int at = 0;
    while (at < input.length) {
      int length = Math.min(input.length - at, switch (random.nextInt(4)) {
        case 0 -> 0;
        case 1 -> 1;
        case 2 -> 1 + random.nextInt(100);
        default -> 1 + random.nextInt(70_000);
      });
      switch (random.nextInt(3)) {
        case 0 -> {
          for (int i = 0; i < length; i++) {
            digest.update(input[at + i]);
          }
        }
        case 1 -> digest.update(java.nio.ByteBuffer.wrap(input, at, length));
        default -> digest.update(input, at, length);
      }
      at += length;
    }
  }

  /** xxhsum's sanity buffer: byte i is the top byte of PRIME32 * PRIME64^i. */
  private static byte[] xxhsumSanityBuffer(int length) {
    final long prime32 = 2654435761L;
    final long prime64 = 0x9E3779B185EBCA8DL; // 11400714785074694797, not XXH64's PRIME64_1
    byte[] buffer = new byte[length];
    long generator = prime32;
    for (int i = 0; i < length; i++) {
      buffer[i] = (byte) (generator >>> 56);
      generator *= prime64;
    }
    return buffer;
  }
}
