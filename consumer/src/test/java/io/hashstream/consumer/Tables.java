package io.hashstream.consumer;

import static org.assertj.core.api.Assertions.assertThat;

import io.hashstream.testsupport.TestCluster;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;

/** Topic set-up and the exactly-once assertions shared by the consumer's tests. */
public final class Tables {
  private Tables() {}

  /** A fresh pair of topic names, the events topic created with {@code partitions}. */
  public static String[] freshTopics(TestCluster cluster, int partitions) throws Exception {
    String suffix = UUID.randomUUID().toString();
    String events = "events-" + suffix;
    try (Admin admin = Admin.create(cluster.clientConfig())) {
      admin
          .createTopics(Set.of(new NewTopic(events, partitions, (short) 1)))
          .all()
          .get(30, TimeUnit.SECONDS);
    }
    return new String[] {events, "hashes-" + suffix};
  }

  public static byte[] sha256(Path file) throws Exception {
    return MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file));
  }

  public static byte[] bytes(ByteBuffer buffer) {
    byte[] bytes = new byte[buffer.remaining()];
    buffer.duplicate().get(bytes);
    return bytes;
  }

  /**
   * Per key, the answered events' offsets strictly increase (so none repeats), and each expected
   * event offset is answered exactly once.
   *
   * @param expected per key, the offsets (partition, offset) of the events that must be answered
   */
  public static void assertExactlyOnce(List<HashTable.Entry> entries, Map<String, List<Long>> expected) {
    Map<String, List<Long>> answered = new HashMap<>();
    for (HashTable.Entry entry : entries) {
      answered.computeIfAbsent(entry.key(), k -> new java.util.ArrayList<>()).add(entry.source().getOffset());
    }
    answered.forEach(
        (key, offsets) -> {
          for (int i = 1; i < offsets.size(); i++) {
            assertThat(offsets.get(i))
                .as("offsets answered for %s: %s", key, offsets)
                .isGreaterThan(offsets.get(i - 1));
          }
        });
    expected.forEach(
        (key, offsets) ->
            assertThat(answered.getOrDefault(key, List.of()))
                .as("events answered for %s", key)
                .containsExactlyElementsOf(offsets));
  }
}
