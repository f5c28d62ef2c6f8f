package io.hashstream.consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.dynatrace.hash4j.hashing.Hashing;
import io.hashstream.schemas.avro.ChangeKind;
import io.hashstream.schemas.avro.HashResult;
import io.hashstream.schemas.avro.HashStatus;
import io.hashstream.schemas.avro.NamedDigest;
import io.hashstream.testsupport.SharedRuntime;
import io.hashstream.testsupport.TestCluster;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.bouncycastle.crypto.digests.Blake3Digest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A consumer configured with several algorithms writes all their digests, SHA-256 first and also in
 * {@code algorithm}/{@code digest}; one restarted with SHA-256 alone answers the events after it as
 * before the field existed, and leaves the table's earlier results as they were.
 */
@ExtendWith(SharedRuntime.class)
class SeveralDigestsIT {
  private static final Duration DEADLINE = Duration.ofMinutes(2);
  private static final List<String> NAMES = List.of("empty", "small.txt", "nested/odd-size.bin", "big.bin");

  @TempDir Path root;

  @Test
  void writesEveryConfiguredDigestWithSha256First(TestCluster cluster) throws Exception {
    String[] topics = Tables.freshTopics(cluster, 2);
    Random random = new Random(2222);
    for (String name : NAMES) {
      int size =
          switch (name) {
            case "empty" -> 0;
            case "big.bin" -> (3 << 20) + 17;
            default -> random.nextInt(200_000);
          };
      byte[] content = new byte[size];
      random.nextBytes(content);
      EventWriter.write(root.resolve(name), content);
    }
    List<HashAlgorithm> algorithms = HashAlgorithm.parseList("BLAKE3,XXH3,SHA3-256,SHA-512/256,MD5");
    Map<String, List<Long>> expected = new LinkedHashMap<>();
    try (EventWriter events = new EventWriter(cluster, topics[0])) {
      for (String name : NAMES) {
        record(expected, "t/" + name, events.send("t", root, name, ChangeKind.FOUND));
      }
    }
    ConsumerSettings settings =
        ConsumerSettings.of(cluster.bootstrapServers(), cluster.schemaRegistryUrl(), "digests", Map.of("t", root))
            .withGroup("group-" + topics[1])
            .withTopics(topics[0], topics[1])
            .withAlgorithms(algorithms);
    try (ConsumerRunner consumer = new ConsumerRunner(settings);
        HashTable table = new HashTable(cluster, topics[1])) {
      await().atMost(DEADLINE).until(() -> Tables.allAnswered(table.poll(), expected));
      assertThat(consumer.failure()).isNull();
      Tables.assertExactlyOnce(table.poll(), expected);
      for (String name : NAMES) {
        HashResult result = value(table.latest(), "t/" + name);
        byte[] content = Files.readAllBytes(root.resolve(name));
        assertThat(result.getStatus()).isEqualTo(HashStatus.HASHED);
        assertThat(result.getAlgorithm()).isEqualTo("SHA-256");
        assertThat(Tables.bytes(Objects.requireNonNull(result.getDigest())))
            .isEqualTo(Tables.sha256(root.resolve(name)));
        List<NamedDigest> digests = Objects.requireNonNull(result.getDigests(), name + " has no digests");
        assertThat(digests)
            .extracting(NamedDigest::getAlgorithm)
            .containsExactly("SHA-256", "BLAKE3", "XXH3", "SHA3-256", "SHA-512/256", "MD5");
        for (NamedDigest digest : digests) {
          assertThat(Tables.bytes(digest.getDigest()))
              .as("%s of %s", digest.getAlgorithm(), name)
              .isEqualTo(reference(digest.getAlgorithm(), content));
        }
      }
    }

    // The same group, restarted with SHA-256 alone: new events get no digests field; the results
    // already in the table keep theirs until their files' next events.
    Map<String, List<Long>> later = new LinkedHashMap<>(expected);
    Files.writeString(root.resolve("small.txt"), "changed");
    try (EventWriter events = new EventWriter(cluster, topics[0])) {
      record(later, "t/small.txt", events.send("t", root, "small.txt", ChangeKind.MODIFIED));
    }
    try (ConsumerRunner consumer = new ConsumerRunner(settings.withAlgorithms(List.of(HashAlgorithm.SHA_256)));
        HashTable table = new HashTable(cluster, topics[1])) {
      await().atMost(DEADLINE).until(() -> Tables.allAnswered(table.poll(), later));
      assertThat(consumer.failure()).isNull();
      HashResult changed = value(table.latest(), "t/small.txt");
      assertThat(changed.getDigests()).isNull();
      assertThat(Tables.bytes(Objects.requireNonNull(changed.getDigest())))
          .isEqualTo(Tables.sha256(root.resolve("small.txt")));
      assertThat(value(table.latest(), "t/big.bin").getDigests()).hasSize(6);
    }
  }

  /** Each algorithm's digest by its library's one-shot call, apart from the consumer's code. */
  private static byte[] reference(String algorithm, byte[] content) throws Exception {
    return switch (algorithm) {
      case "BLAKE3" -> {
        Blake3Digest blake3 = new Blake3Digest(256);
        blake3.update(content, 0, content.length);
        byte[] out = new byte[32];
        blake3.doFinal(out, 0);
        yield out;
      }
      case "XXH3" -> ByteBuffer.allocate(8).putLong(Hashing.xxh3_64().hashBytesToLong(content)).array();
      default -> MessageDigest.getInstance(algorithm).digest(content);
    };
  }

  private static HashResult value(Map<String, HashTable.Entry> latest, String key) {
    HashTable.Entry entry = Objects.requireNonNull(latest.get(key), () -> "no entry for " + key);
    return Objects.requireNonNull(entry.value(), () -> key + " is a tombstone");
  }

  private static void record(Map<String, List<Long>> expected, String key, RecordMetadata metadata) {
    expected.computeIfAbsent(key, k -> new ArrayList<>()).add(metadata.offset());
  }
}
