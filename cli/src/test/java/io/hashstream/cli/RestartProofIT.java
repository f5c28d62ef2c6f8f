package io.hashstream.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.hashstream.consumer.EventWriter;
import io.hashstream.consumer.HashTable;
import io.hashstream.consumer.Tables;
import io.hashstream.schemas.TrustedAvroClasses;
import io.hashstream.schemas.avro.ChangeKind;
import io.hashstream.schemas.avro.FileChangeEvent;
import io.hashstream.schemas.avro.HashResult;
import io.hashstream.schemas.serde.AvroDeserializer;
import io.hashstream.schemas.serde.SerdeConfig;
import io.hashstream.testsupport.FreePorts;
import io.hashstream.testsupport.SharedRuntime;
import io.hashstream.testsupport.TestCluster;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The restart proof against the real consumer's results (issue 14 §3): {@code RestartIT} writes the
 * hash table itself from the producer's events, so its diff never meets what a consumer really
 * records for links, FIFOs, unreadable files or paths that became directories. Here both
 * deployables run as child JVMs: the consumer (as nobody, so that mode 000 is really unreadable)
 * stays up, the producer is stopped and started again. One tree holds every case, so the table is
 * filled once; then a start with nothing changed, a start after one change per case made while the
 * producer was down, and a last start with nothing changed, which shows that the consumer's answers
 * to those changes (tombstones included) are what the next diff expects.
 *
 * <p>Uncertain results ({@code UNREADABLE}, {@code UNSTABLE}) are published again at every start,
 * once: the producer cannot see whether a file became readable. An {@code UNSTABLE} result ends as
 * soon as the consumer answers that republished event with a settled one; an {@code UNREADABLE}
 * one stays while the file does, and so does its one event per start.
 */
@ExtendWith(SharedRuntime.class)
class RestartProofIT {
  private static final Duration DEADLINE = Duration.ofMinutes(2);
  private static final String PRODUCER_ID = "restart-proof";
  private static final int PARTITIONS = 4;
  private static final String HASHED = "HASHED";
  private static final String TOMBSTONE = "tombstone";
  /** Names with a space, quotes and non-ASCII letters, in directories of such names too. */
  private static final List<String> NAMES =
      List.of("names/with space.txt", "names/it's \"quoted\".txt", "names/ünï 日本/çödé ü.txt");

  @TempDir Path temp;

  @Test
  void aRestartPublishesOnlyWhatChangedSinceTheConsumersResults(TestCluster cluster) throws Exception {
    List<String> nobody = UnreadableFileIT.asNobody();
    // nobody must reach the tree through the temporary directory, which is root's alone.
    Files.setPosixFilePermissions(temp, PosixFilePermissions.fromString("rwxr-xr-x"));
    Path tree = Files.createDirectories(temp.resolve("tree"));
    Path work = Files.createDirectories(temp.resolve("producer"));
    // The consumer, as nobody, writes its logs and data under its own working directory.
    Path consumerWork = Files.createDirectories(temp.resolve("consumer"));
    Files.setPosixFilePermissions(consumerWork, PosixFilePermissions.fromString("rwxrwxrwx"));
    fill(tree);
    String[] topics = Tables.freshTopics(cluster, PARTITIONS);
    try (LauncherProcess consumer =
            LauncherProcess.start(
                consumerWork,
                nobody,
                List.of(),
                LauncherProcess.arguments(
                    cluster, topics, "consumer", "--root", "t=" + tree, "--instance-id", "proof", "--group", "proof-" + topics[1]));
        HashTable table = new HashTable(cluster, topics[1]);
        EventTopic events = new EventTopic(cluster, topics[0], PARTITIONS);
        HttpClient http = HttpClient.newHttpClient()) {
      Starts starts =
          new Starts(
              List.of(
                  LauncherProcess.arguments(
                      cluster,
                      topics,
                      "producer",
                      "--root", "t=" + tree,
                      "--producer-id", PRODUCER_ID,
                      "--settle", "200ms",
                      "--exclude", "skipped")),
              work,
              consumer,
              table,
              events,
              http);

      // The first start fills the table: every file once, nothing under the excluded directory.
      List<ConsumerRecord<String, FileChangeEvent>> first = starts.run();
      Map<String, String> filled = new TreeMap<>();
      filled.put("t/regular.txt", HASHED);
      filled.put("t/empty", HASHED);
      filled.put("t/link", "NOT_REGULAR_FILE SYMLINK");
      filled.put("t/pipe", "NOT_REGULAR_FILE FIFO");
      filled.put("t/secret-kept", "UNREADABLE");
      filled.put("t/secret-opened", "UNREADABLE");
      filled.put("t/unstable.txt", HASHED);
      filled.put("t/became-dir", HASHED);
      filled.put("t/dir-became-link/a.txt", HASHED);
      filled.put("t/dir-became-link/sub/b.txt", HASHED);
      filled.put("t/twin/a.txt", HASHED);
      filled.put("t/twin/sub/b.txt", HASHED);
      for (String name : NAMES) {
        filled.put("t/" + name, HASHED);
      }
      assertThat(kinds(first)).containsExactlyInAnyOrderEntriesOf(once(filled.keySet(), ChangeKind.FOUND));
      starts.awaitAnswered(first);
      assertThat(states(table)).containsExactlyInAnyOrderEntriesOf(filled);

      // From here each start's findings are soft: a wrong start is reported, and the later starts
      // still show what the consumer's answers to it made of the table.
      SoftAssertions softly = new SoftAssertions();

      // The real producer never reports a state newer than the file, so the consumer's UNSTABLE
      // is staged with one event from a host whose view is ahead (a network mount behind): the
      // consumer waits for its own view to catch up, then records the file UNSTABLE.
      try (EventWriter writer = new EventWriter(cluster, topics[0])) {
        Instant ahead = Instant.now().plus(Duration.ofHours(1));
        writer.send(
            "t/unstable.txt",
            writer
                .builder("t", "unstable.txt", ChangeKind.MODIFIED)
                .setSize(Files.size(tree.resolve("unstable.txt")))
                .setModified(ahead)
                .setStatusChanged(ahead)
                .build());
      }
      await()
          .atMost(DEADLINE)
          .pollInSameThread()
          .failFast(starts::consumerAlive)
          .until(() -> "UNSTABLE".equals(states(table).get("t/unstable.txt")));

      // Nothing changed: only the uncertain results are published again, each once.
      List<ConsumerRecord<String, FileChangeEvent>> unchanged = starts.run();
      softly
          .assertThat(kinds(unchanged))
          .as("events of the start with nothing changed: %s", described(unchanged))
          .containsExactlyInAnyOrderEntriesOf(
              once(List.of("t/secret-kept", "t/secret-opened", "t/unstable.txt"), ChangeKind.FOUND));
      starts.awaitAnswered(unchanged);
      Map<String, String> settled = new TreeMap<>(filled);
      // Readable all along: the republished event got a settled answer, which ends its repeats.
      settled.put("t/unstable.txt", HASHED);
      softly.assertThat(states(table)).containsExactlyInAnyOrderEntriesOf(settled);

      // One change per case while the producer is down.
      Files.writeString(tree.resolve("regular.txt"), "regular, rewritten while the producer was down");
      Files.writeString(tree.resolve("empty"), "no longer empty");
      Files.delete(tree.resolve("link"));
      Files.createSymbolicLink(tree.resolve("link"), Path.of("empty"));
      Files.delete(tree.resolve("pipe"));
      mkfifo(tree.resolve("pipe"));
      Files.setPosixFilePermissions(tree.resolve("secret-opened"), PosixFilePermissions.fromString("rw-r--r--"));
      Files.delete(tree.resolve("became-dir"));
      write(tree.resolve("became-dir/inside.txt"), "a file where a file was, one level down");
      deleteTree(tree.resolve("dir-became-link"));
      // Onto a directory with the same names: a diff or a consumer that followed the link would
      // find dir-became-link/a.txt still there.
      Files.createSymbolicLink(tree.resolve("dir-became-link"), Path.of("twin"));
      Files.writeString(tree.resolve("skipped/hidden.txt"), "changed, and still excluded");
      write(tree.resolve("skipped/new.txt"), "created, and excluded");
      for (String name : NAMES) {
        Files.writeString(tree.resolve(name), " and changed", StandardCharsets.UTF_8, StandardOpenOption.APPEND);
      }

      List<ConsumerRecord<String, FileChangeEvent>> changed = starts.run();
      Map<String, List<ChangeKind>> expected =
          new TreeMap<>(
              once(
                  List.of(
                      "t/regular.txt",
                      "t/empty",
                      "t/link",
                      "t/pipe",
                      "t/secret-opened",
                      // Unchanged, and still uncertain: its one event of this start.
                      "t/secret-kept",
                      "t/became-dir/inside.txt",
                      "t/dir-became-link"),
                  ChangeKind.FOUND));
      // A directory replaced by a symbolic link: its files left the tree (DELETED), even where the
      // link's target has files of the same names; no link is followed on the way.
      expected.putAll(
          once(List.of("t/became-dir", "t/dir-became-link/a.txt", "t/dir-became-link/sub/b.txt"), ChangeKind.DELETED));
      for (String name : NAMES) {
        expected.put("t/" + name, List.of(ChangeKind.FOUND));
      }
      softly
          .assertThat(kinds(changed))
          .as("events of the start after the changes: %s", described(changed))
          .containsExactlyInAnyOrderEntriesOf(expected);
      starts.awaitAnswered(changed);
      Map<String, String> after = new TreeMap<>(settled);
      after.put("t/secret-opened", HASHED);
      // The consumer finds a directory at the path: the file is gone from the table.
      after.put("t/became-dir", TOMBSTONE);
      after.put("t/became-dir/inside.txt", HASHED);
      // It follows no link on the way: the directory's files are gone, the link has its own row.
      after.put("t/dir-became-link/a.txt", TOMBSTONE);
      after.put("t/dir-became-link/sub/b.txt", TOMBSTONE);
      after.put("t/dir-became-link", "NOT_REGULAR_FILE SYMLINK");
      softly.assertThat(states(table)).containsExactlyInAnyOrderEntriesOf(after);
      softly.assertThat(digest(table, "t/regular.txt")).isEqualTo(hex(Tables.sha256(tree.resolve("regular.txt"))));

      // The consumer's answers to those changes are what the next diff expects: only the file
      // that is still unreadable is published again.
      List<ConsumerRecord<String, FileChangeEvent>> last = starts.run();
      softly
          .assertThat(kinds(last))
          .as("events of the last start, nothing changed: %s", described(last))
          .containsExactlyInAnyOrderEntriesOf(once(List.of("t/secret-kept"), ChangeKind.FOUND));
      starts.awaitAnswered(last);
      softly.assertThat(states(table)).containsExactlyInAnyOrderEntriesOf(after);

      consumer.process().destroy();
      assertThat(consumer.awaitExit(Duration.ofSeconds(60))).as(consumer.stderr()).isZero();
      softly.assertAll();
    }
  }

  /** The tree's regular files that are readable, path → content. */
  private static final Map<String, String> READABLE =
      Map.ofEntries(
          Map.entry("regular.txt", "regular"),
          Map.entry("empty", ""),
          Map.entry("unstable.txt", "seen older than an event says"),
          Map.entry("became-dir", "a file, later a directory"),
          Map.entry("dir-became-link/a.txt", "a directory's file"),
          Map.entry("dir-became-link/sub/b.txt", "a directory's file, deeper"),
          // The same names as the directory above: what the link that replaces it will point at.
          Map.entry("twin/a.txt", "what the link will point at"),
          Map.entry("twin/sub/b.txt", "what the link will point at, deeper"),
          Map.entry("skipped/hidden.txt", "excluded"));

  private static void fill(Path tree) throws Exception {
    for (Map.Entry<String, String> file : READABLE.entrySet()) {
      write(tree.resolve(file.getKey()), file.getValue());
    }
    for (String name : NAMES) {
      write(tree.resolve(name), name);
    }
    Files.createSymbolicLink(tree.resolve("link"), Path.of("regular.txt"));
    mkfifo(tree.resolve("pipe"));
    for (String secret : List.of("secret-kept", "secret-opened")) {
      write(tree.resolve(secret), "only root may read this");
      Files.setPosixFilePermissions(tree.resolve(secret), PosixFilePermissions.fromString("---------"));
    }
  }

  private static void write(Path file, String content) throws IOException {
    Files.createDirectories(file.getParent());
    Files.writeString(file, content, StandardCharsets.UTF_8);
  }

  private static void mkfifo(Path path) throws Exception {
    Process mkfifo = new ProcessBuilder("mkfifo", path.toString()).inheritIO().start();
    assertThat(mkfifo.waitFor(10, TimeUnit.SECONDS)).isTrue();
    assertThat(mkfifo.exitValue()).isZero();
  }

  private static void deleteTree(Path directory) throws IOException {
    try (var paths = Files.walk(directory)) {
      for (Path path : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.delete(path);
      }
    }
  }

  /** Each key with one event of {@code kind}. */
  private static Map<String, List<ChangeKind>> once(Iterable<String> keys, ChangeKind kind) {
    Map<String, List<ChangeKind>> once = new TreeMap<>();
    for (String key : keys) {
      once.put(key, List.of(kind));
    }
    return once;
  }

  /** The kinds published per key, in order: more than one for a key is a repeat. */
  private static Map<String, List<ChangeKind>> kinds(List<ConsumerRecord<String, FileChangeEvent>> records) {
    Map<String, List<ChangeKind>> kinds = new TreeMap<>();
    for (ConsumerRecord<String, FileChangeEvent> record : records) {
      assertThat(record.value().getProducerId()).as(record.key()).isEqualTo(PRODUCER_ID);
      kinds.computeIfAbsent(record.key(), k -> new ArrayList<>()).add(record.value().getKind());
    }
    return kinds;
  }

  /** Each event as key, kind and size: a wrong event shows what the producer saw. */
  private static List<String> described(List<ConsumerRecord<String, FileChangeEvent>> records) {
    return records.stream()
        .map(r -> r.key() + " " + r.value().getKind() + " size=" + r.value().getSize())
        .toList();
  }

  /** Each key's newest row: its status (and file type), or {@value #TOMBSTONE}. */
  private static Map<String, String> states(HashTable table) {
    table.poll();
    Map<String, String> states = new TreeMap<>();
    table
        .latest()
        .forEach(
            (key, entry) -> {
              HashResult value = entry.value();
              states.put(
                  key,
                  value == null
                      ? TOMBSTONE
                      : value.getStatus() + (value.getFileType() == null ? "" : " " + value.getFileType()));
            });
    return states;
  }

  private static String digest(HashTable table, String key) {
    HashResult value = Objects.requireNonNull(Objects.requireNonNull(table.latest().get(key), key).value(), key);
    return hex(Tables.bytes(Objects.requireNonNull(value.getDigest(), key)));
  }

  private static String hex(byte[] bytes) {
    return HexFormat.of().formatHex(bytes);
  }

  /**
   * Starts of the producer against the running consumer, each until the producer is idle.
   *
   * @param producer the producer's command line, the same at every start (its id above all)
   */
  private record Starts(
      List<String> producer, Path work, LauncherProcess consumer, HashTable table, EventTopic events, HttpClient http) {
    /** Starts the producer, waits until it is idle, stops it (SIGTERM); returns what it published. */
    List<ConsumerRecord<String, FileChangeEvent>> run() throws Exception {
      int before = events.catchUp().size();
      int port = FreePorts.allocate(1)[0];
      List<String> arguments = new ArrayList<>(producer);
      arguments.addAll(List.of("--metrics-port", Integer.toString(port)));
      try (LauncherProcess started = LauncherProcess.start(work, arguments.toArray(String[]::new))) {
        awaitIdle(started, port);
        started.process().destroy();
        assertThat(started.awaitExit(Duration.ofSeconds(60))).as(started.stderr()).isZero();
      }
      List<ConsumerRecord<String, FileChangeEvent>> all = events.catchUp();
      return List.copyOf(all.subList(before, all.size()));
    }

    /**
     * The log says when the start's diff (the initial scan against the table) is done; what it found
     * may still wait out the settle time or be in flight, until both gauges stay 0.
     */
    private void awaitIdle(LauncherProcess producer, int port) {
      await()
          .atMost(DEADLINE)
          .pollInterval(Duration.ofMillis(100))
          .failFast("the producer exited", () -> !producer.process().isAlive())
          .until(() -> producer.stderr().contains("initial scan done:"));
      await()
          .atMost(DEADLINE)
          .during(Duration.ofSeconds(2))
          .pollInterval(Duration.ofMillis(100))
          .failFast("the producer exited", () -> !producer.process().isAlive())
          .ignoreExceptionsInstanceOf(IOException.class)
          .until(() -> gauge(port, "hashstream_producer_pending_paths") == 0
              && gauge(port, "hashstream_producer_inflight_events") == 0);
    }

    private double gauge(int port, String name) throws IOException, InterruptedException {
      String metrics =
          http.send(
                  HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics")).build(),
                  HttpResponse.BodyHandlers.ofString())
              .body();
      return metrics
          .lines()
          .filter(line -> line.startsWith(name + " ") || line.startsWith(name + "{"))
          .map(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)))
          .findFirst()
          .orElseThrow(() -> new AssertionError(name + " is not in /metrics:\n" + metrics));
    }

    /** Waits until the consumer has answered every one of {@code published}. */
    void awaitAnswered(List<ConsumerRecord<String, FileChangeEvent>> published) {
      Map<String, List<Long>> offsets = new TreeMap<>();
      for (ConsumerRecord<String, FileChangeEvent> record : published) {
        offsets.computeIfAbsent(record.key(), k -> new ArrayList<>()).add(record.offset());
      }
      await()
          .atMost(DEADLINE)
          .pollInSameThread()
          .failFast(this::consumerAlive)
          .until(() -> Tables.allAnswered(table.poll(), offsets));
    }

    void consumerAlive() {
      if (!consumer.process().isAlive()) {
        throw new AssertionError("the consumer exited: " + consumer.stderr());
      }
    }
  }

  /** The events topic from its beginning, read_committed, each record with where it landed. */
  private static final class EventTopic implements AutoCloseable {
    private final KafkaConsumer<String, FileChangeEvent> consumer;
    private final List<ConsumerRecord<String, FileChangeEvent>> records = new ArrayList<>();

    EventTopic(TestCluster cluster, String topic, int partitionCount) {
      TrustedAvroClasses.install();
      Map<String, Object> config = cluster.clientConfig();
      config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
      config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
      consumer =
          new KafkaConsumer<>(
              config,
              new StringDeserializer(),
              new AvroDeserializer<>(
                  FileChangeEvent.class, Map.of(SerdeConfig.SCHEMA_REGISTRY_URL, cluster.schemaRegistryUrl()), false));
      List<TopicPartition> partitions =
          IntStream.range(0, partitionCount).mapToObj(p -> new TopicPartition(topic, p)).toList();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
    }

    /** Reads to the topic's current end: every event acknowledged so far is then here. */
    List<ConsumerRecord<String, FileChangeEvent>> catchUp() {
      Map<TopicPartition, Long> ends = consumer.endOffsets(consumer.assignment(), Duration.ofSeconds(30));
      long deadline = System.nanoTime() + DEADLINE.toNanos();
      while (ends.entrySet().stream().anyMatch(end -> consumer.position(end.getKey()) < end.getValue())) {
        if (System.nanoTime() - deadline > 0) {
          throw new AssertionError("the events topic could not be read to its end within " + DEADLINE);
        }
        for (ConsumerRecord<String, FileChangeEvent> record : consumer.poll(Duration.ofMillis(200))) {
          records.add(record);
        }
      }
      return List.copyOf(records);
    }

    @Override
    public void close() {
      consumer.close();
    }
  }
}
