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
   * Whether the newest expected event of every key is answered: once it is, every older event of
   * the key is too (by its own result, or covered by a newer one's).
   */
  public static boolean allAnswered(List<HashTable.Entry> entries, Map<String, List<Long>> expected) {
    Map<String, List<Long>> answered = answered(entries);
    return expected.entrySet().stream()
        .allMatch(
            e -> e.getValue().isEmpty()
                || answered.getOrDefault(e.getKey(), List.of()).contains(e.getValue().getLast()));
  }

  /**
   * Exactly once, where one hash may answer several events of a key: per key, the answered offsets
   * strictly increase (none repeats), each is one of the key's events, and the newest event is
   * answered, which covers the older ones. With one event per key, that is each event answered
   * exactly once.
   *
   * @param expected per key, the offsets of the events that must be answered, oldest first
   */
  public static void assertExactlyOnce(List<HashTable.Entry> entries, Map<String, List<Long>> expected) {
    Map<String, List<Long>> answered = answered(entries);
    answered.forEach(
        (key, offsets) -> {
          for (int i = 1; i < offsets.size(); i++) {
            assertThat(offsets.get(i))
                .as("offsets answered for %s: %s", key, offsets)
                .isGreaterThan(offsets.get(i - 1));
          }
        });
    expected.forEach(
        (key, offsets) -> {
          List<Long> got = answered.getOrDefault(key, List.of());
          assertThat(offsets).as("events answered for %s", key).containsAll(got);
          if (!offsets.isEmpty()) {
            assertThat(got).as("events answered for %s", key).contains(offsets.getLast());
          }
        });
  }

  /** How many events one hash answered for another: events minus results, over all keys. */
  public static int covered(List<HashTable.Entry> entries, Map<String, List<Long>> expected) {
    int events = expected.values().stream().mapToInt(List::size).sum();
    return events - entries.size();
  }

  private static Map<String, List<Long>> answered(List<HashTable.Entry> entries) {
    Map<String, List<Long>> answered = new HashMap<>();
    for (HashTable.Entry entry : entries) {
      if (entry.recheck() > 0) {
        // A later look at an uncertain answer repeats its event's source: not another answer.
        continue;
      }
      answered.computeIfAbsent(entry.key(), k -> new java.util.ArrayList<>()).add(entry.source().getOffset());
    }
    return answered;
  }
}
