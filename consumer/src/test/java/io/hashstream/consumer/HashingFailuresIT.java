package io.hashstream.consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.hashstream.consumer.internal.InjectedFault;
import io.hashstream.schemas.avro.ChangeKind;
import io.hashstream.schemas.avro.HashResult;
import io.hashstream.schemas.avro.HashStatus;
import io.hashstream.testsupport.SharedRuntime;
import io.hashstream.testsupport.TestCluster;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * No single file stops an instance: what hashing it throws is its outcome. The faults are injected
 * through {@link InjectedFault}'s test-only property, by key, so other tests in this JVM are not
 * touched; each test clears it.
 */
@ExtendWith(SharedRuntime.class)
class HashingFailuresIT {
  private static final Duration DEADLINE = Duration.ofMinutes(2);

  @TempDir Path root;

  @AfterEach
  void clearFaults() {
    System.clearProperty(InjectedFault.PROPERTY);
  }

  @Test
  void aModificationTimeBeyondInstantsRangeIsHashedAndPublishedWithoutIt(TestCluster cluster)
      throws Exception {
    Path shm = Path.of("/dev/shm");
    assumeTrue(Files.isDirectory(shm) && Files.isWritable(shm), "needs the tmpfs at /dev/shm");
    Path tree = Files.createTempDirectory(shm, "hashstream-far-");
    try {
      Path far = tree.resolve("far");
      Files.writeString(far, "from the far future");
      // The time of the issue: beyond what java.time.Instant can hold (year 1,000,000,000).
      assertThat(run("touch", "-d", "@40000000000000000", far.toString())).isEmpty();
      assumeTrue(
          run("stat", "-c", "%Y", far.toString()).equals("40000000000000000"),
          "this tmpfs does not keep a modification time of 4e16 s");
      Files.writeString(tree.resolve("after"), "hashed after it");

      String[] topics = Tables.freshTopics(cluster, 1);
      Map<String, List<Long>> expected = new LinkedHashMap<>();
      try (EventWriter events = new EventWriter(cluster, topics[0])) {
        // As the producer sends it: a size, and no time, which the schema cannot carry.
        record(
            expected,
            "far/far",
            events.send(
                "far/far",
                events.builder("far", "far", ChangeKind.CREATED).setSize(Files.size(far)).build()));
        record(expected, "far/after", events.send("far", tree, "after", ChangeKind.CREATED));
      }
      try (ConsumerRunner consumer = new ConsumerRunner(settings(cluster, topics, "far", tree, 1));
          HashTable table = new HashTable(cluster, topics[1])) {
        await().atMost(DEADLINE).until(() -> Tables.allAnswered(table.poll(), expected));
        assertThat(consumer.failure()).isNull();
        HashResult result = value(table, "far/far");
        assertThat(result.getStatus()).isEqualTo(HashStatus.HASHED);
        assertThat(Tables.bytes(Objects.requireNonNull(result.getDigest()))).isEqualTo(Tables.sha256(far));
        assertThat(result.getModified()).isNull();
        assertThat(result.getSize()).isEqualTo(Files.size(far));
        assertThat(value(table, "far/after").getStatus()).isEqualTo(HashStatus.HASHED);
        assertThat(consumer.count("hashstream.consumer.hashing.failures")).isZero();
      }
    } finally {
      try (Stream<Path> files = Files.walk(tree)) {
        for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
          Files.delete(file);
        }
      }
    }
  }

  @Test
  void anExceptionWhileHashingIsThatFilesUnreadableResultAndTheInstanceGoesOn(TestCluster cluster)
      throws Exception {
    System.setProperty(InjectedFault.PROPERTY, "x/throws=EXCEPTION");
    Map<String, List<Long>> expected = new LinkedHashMap<>();
    String[] topics = sendFiles(cluster, "x", expected, "before", "throws", "after");
    try (ConsumerRunner consumer = new ConsumerRunner(settings(cluster, topics, "x", root, 1));
        HashTable table = new HashTable(cluster, topics[1])) {
      await().atMost(DEADLINE).until(() -> Tables.allAnswered(table.poll(), expected));
      HashResult failed = value(table, "x/throws");
      assertThat(failed.getStatus()).isEqualTo(HashStatus.UNREADABLE);
      assertThat(failed.getReason()).contains("hashing failed").contains("IllegalStateException");
      assertThat(value(table, "x/before").getStatus()).isEqualTo(HashStatus.HASHED);
      assertThat(value(table, "x/after").getStatus()).isEqualTo(HashStatus.HASHED);
      assertThat(consumer.isRunning()).isTrue();
      assertThat(consumer.count("hashstream.consumer.hashing.failures")).isEqualTo(1);
      assertThat(consumer.health().status()).isEqualTo(ConsumerHealth.Status.READY);
      Tables.assertExactlyOnce(table.poll(), expected);
    }
  }

  @Test
  void anErrorWhileHashingReplacesTheThreadAndDegradesHealth(TestCluster cluster) throws Exception {
    System.setProperty(InjectedFault.PROPERTY, "e/breaks=ERROR,e/breaks-again=ERROR");
    Map<String, List<Long>> expected = new LinkedHashMap<>();
    String[] topics = sendFiles(cluster, "e", expected, "before", "breaks", "between", "breaks-again", "after");
    // One hashing thread: the files after each Error are hashed only if that thread was replaced.
    try (ConsumerRunner consumer = new ConsumerRunner(settings(cluster, topics, "e", root, 1));
        HashTable table = new HashTable(cluster, topics[1])) {
      await().atMost(DEADLINE).until(() -> Tables.allAnswered(table.poll(), expected));
      for (String broken : List.of("e/breaks", "e/breaks-again")) {
        HashResult failed = value(table, broken);
        assertThat(failed.getStatus()).isEqualTo(HashStatus.UNREADABLE);
        assertThat(failed.getReason()).contains("LinkageError");
      }
      for (String fine : List.of("e/before", "e/between", "e/after")) {
        assertThat(value(table, fine).getStatus()).as(fine).isEqualTo(HashStatus.HASHED);
      }
      assertThat(consumer.isRunning()).isTrue();
      assertThat(consumer.count("hashstream.consumer.hashing.threads.replaced")).isEqualTo(2);
      assertThat(consumer.health().status()).isEqualTo(ConsumerHealth.Status.DEGRADED);
      assertThat(consumer.health().reason()).contains("replaced");
      Tables.assertExactlyOnce(table.poll(), expected);
    }
  }

  @Test
  void outOfMemoryStopsTheInstanceWithOneLineAndLosesNothing(TestCluster cluster) throws Exception {
    System.setProperty(InjectedFault.PROPERTY, "m/exhausts=OUT_OF_MEMORY");
    Map<String, List<Long>> expected = new LinkedHashMap<>();
    String[] topics = sendFiles(cluster, "m", expected, "exhausts");
    ConsumerSettings settings = settings(cluster, topics, "m", root, 1);
    try (ConsumerRunner consumer = new ConsumerRunner(settings)) {
      Throwable end = consumer.awaitEnd(DEADLINE);
      assertThat(end).isInstanceOf(ConsumerStoppedException.class);
      assertThat(Objects.requireNonNull(end).getMessage())
          .contains("out of memory while hashing m/exhausts")
          .doesNotContain("\n");
      assertThat(consumer.health().status()).isEqualTo(ConsumerHealth.Status.FAILING);
    }
    System.clearProperty(InjectedFault.PROPERTY);
    // Its event was not answered: the next instance of the group hashes it.
    try (ConsumerRunner consumer = new ConsumerRunner(settings);
        HashTable table = new HashTable(cluster, topics[1])) {
      await().atMost(DEADLINE).until(() -> Tables.allAnswered(table.poll(), expected));
      assertThat(value(table, "m/exhausts").getStatus()).isEqualTo(HashStatus.HASHED);
      assertThat(consumer.failure()).isNull();
      Tables.assertExactlyOnce(table.poll(), expected);
    }
  }

  private String[] sendFiles(
      TestCluster cluster, String rootName, Map<String, List<Long>> expected, String... names) throws Exception {
    String[] topics = Tables.freshTopics(cluster, 1);
    try (EventWriter events = new EventWriter(cluster, topics[0])) {
      for (String name : names) {
        Files.writeString(root.resolve(name), "content of " + name);
        record(expected, rootName + "/" + name, events.send(rootName, root, name, ChangeKind.CREATED));
      }
    }
    return topics;
  }

  private static ConsumerSettings settings(
      TestCluster cluster, String[] topics, String rootName, Path directory, int hashingThreads) {
    return ConsumerSettings.of(
            cluster.bootstrapServers(), cluster.schemaRegistryUrl(), "faults", Map.of(rootName, directory))
        .withGroup("group-" + topics[1])
        .withTopics(topics[0], topics[1])
        .withHashingThreads(hashingThreads);
  }

  private static HashResult value(HashTable table, String key) {
    HashTable.Entry entry = table.latest().get(key);
    assertThat(entry).as(key).isNotNull();
    HashResult value = Objects.requireNonNull(entry).value();
    assertThat(value).as(key).isNotNull();
    return Objects.requireNonNull(value);
  }

  private static void record(Map<String, List<Long>> expected, String key, RecordMetadata metadata) {
    expected.computeIfAbsent(key, k -> new ArrayList<>()).add(metadata.offset());
  }

  /** Runs a command to its end and returns what it printed, trimmed. */
  private static String run(String... command) throws IOException, InterruptedException {
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    assertThat(process.waitFor(10, TimeUnit.SECONDS)).as(String.join(" ", command)).isTrue();
    return new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
  }
}
