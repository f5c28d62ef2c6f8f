package io.hashstream.bench;

import io.hashstream.bench.e2e.IndexHeap;
import io.hashstream.producer.IndexStart;
import io.hashstream.producer.KafkaSettings;
import io.hashstream.producer.ProducerSettings;
import io.hashstream.producer.WatchedRoot;
import io.hashstream.producer.internal.Cluster;
import io.hashstream.producer.internal.FileState;
import io.hashstream.producer.internal.FileType;
import io.hashstream.producer.internal.Index;
import io.hashstream.producer.internal.IndexEntry;
import io.hashstream.producer.internal.StartingIndex;
import io.hashstream.producer.internal.store.IndexStore;
import io.hashstream.schemas.avro.HashResult;
import io.hashstream.schemas.avro.HashStatus;
import io.hashstream.schemas.avro.SourceEvent;
import io.hashstream.schemas.serde.AvroSerializer;
import io.hashstream.schemas.serde.SerdeConfig;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The producer's index at scale (bench/index-scale runs it).
 *
 * <ul>
 *   <li>{@code memory N}: an index of N synthetic files in 2,000 directories (names of about 20
 *       characters, entries as a real file's: size, nanosecond times, device and inode): the time
 *       of its puts and of a get of each file, its heap after GC, its own count of resident bytes
 *       and the process's resident set; then its snapshot written and, once the index is gone,
 *       read back and measured again.
 *   <li>{@code restart BOOTSTRAP REGISTRY OTHERS OWN DIR}: a hash table of OTHERS records of other
 *       producers' roots and OWN of this producer's, then the starting index built twice: with no
 *       saved index (the whole table read), and from the index that first start saved.
 * </ul>
 */
public final class IndexScale {
  private static final int DIRECTORIES = 2_000;
  /** Paths and entries are made a batch at a time, outside the timed puts and gets. */
  private static final int BATCH = 100_000;
  private static final long NOW = 1_764_800_000_000_000_000L;

  private IndexScale() {}

  public static void main(String[] args) throws Exception {
    switch (args.length > 0 ? args[0] : "") {
      case "memory" -> memory(Long.parseLong(args[1]), Path.of(args[2]));
      case "restart" -> restart(args[1], args[2], Long.parseLong(args[3]), Long.parseLong(args[4]), Path.of(args[5]));
      default -> throw new IllegalArgumentException("usage: memory N DIR | restart BOOTSTRAP REGISTRY OTHERS OWN DIR");
    }
  }

  private static String path(long i) {
    return String.format(Locale.ROOT, "project-%02d/module-%04d/source-file-%07d.txt", i % 20, i % DIRECTORIES, i);
  }

  private static void memory(long files, Path work) throws IOException {
    Files.createDirectories(work);
    long size = buildMeasureAndSave(files, work);
    // The built index is gone: the read-back has the memory to itself, as at a restart.
    MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    long before = IndexHeap.usedAfterGc(memory);
    IndexStore again = IndexStore.open(work);
    long loadStart = System.nanoTime();
    IndexStore.Loaded loaded = again.load();
    long load = System.nanoTime() - loadStart;
    again.release();
    Index read = loaded instanceof IndexStore.Loaded.Found found ? found.indexes().get("mine") : null;
    long count = read == null ? -1 : read.size();
    long heap = IndexHeap.usedAfterGc(memory) - before;
    System.out.printf(Locale.ROOT, "snapshot: %d bytes (%.1f a file), read back (%d files) in %d ms: heap after GC %.1f bytes a file, off-heap %.1f, resident (own count, both) %.1f; %s%n",
        size, (double) size / files, count, TimeUnit.NANOSECONDS.toMillis(load), (double) heap / files,
        read == null ? 0.0 : (double) read.offHeapBytes() / files, read == null ? 0.0 : (double) read.residentBytes() / files, rss());
    if (read != null) {
      read.close();
    }
  }

  /**
   * Builds the index of {@code files} files, times its puts and gets, measures it and saves its
   * snapshot; returns the snapshot's size. Its own method so that the index is closed, and
   * unreachable, before the read-back.
   */
  private static long buildMeasureAndSave(long files, Path work) throws IOException {
    MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    long before = IndexHeap.usedAfterGc(memory);
    try (Index index = new Index()) {
      return buildMeasureAndSave(index, files, work, memory, before);
    }
  }

  private static long buildMeasureAndSave(Index index, long files, Path work, MemoryMXBean memory, long before) throws IOException {
    String[] paths = new String[BATCH];
    IndexEntry[] entries = new IndexEntry[BATCH];
    long putNanos = 0;
    long maxRss = 0;
    for (long from = 0; from < files; from += BATCH) {
      int n = (int) Math.min(BATCH, files - from);
      for (int j = 0; j < n; j++) {
        paths[j] = path(from + j);
        entries[j] = entry(from + j);
      }
      long start = System.nanoTime();
      for (int j = 0; j < n; j++) {
        index.put(paths[j], entries[j]);
      }
      putNanos += System.nanoTime() - start;
      if ((from / BATCH) % 10 == 9) {
        maxRss = Math.max(maxRss, kibibytes("VmRSS"));
      }
    }
    // Gets in the order of the puts: each in another directory than the last, as a scan's are.
    long getNanos = 0;
    long found = 0;
    for (long from = 0; from < files; from += BATCH) {
      int n = (int) Math.min(BATCH, files - from);
      for (int j = 0; j < n; j++) {
        paths[j] = path(from + j);
      }
      long start = System.nanoTime();
      for (int j = 0; j < n; j++) {
        if (index.get(paths[j]) != null) {
          found++;
        }
      }
      getNanos += System.nanoTime() - start;
    }
    if (found != files) {
      throw new IllegalStateException(found + " of " + files + " files found");
    }
    java.util.Arrays.fill(paths, null);
    java.util.Arrays.fill(entries, null);
    long heap = IndexHeap.usedAfterGc(memory) - before;
    System.out.printf(Locale.ROOT, "files %d: heap after GC %.1f bytes a file, off-heap %.1f, resident (own count, both) %.1f; %s, VmRSS at most %d MiB while building; max heap %d MiB%n",
        files, (double) heap / files, (double) index.offHeapBytes() / files, (double) index.residentBytes() / files, rss(), maxRss >> 10,
        Runtime.getRuntime().maxMemory() >> 20);
    System.out.printf(Locale.ROOT, "puts: %d ms (%.3f µs a put); gets: %d ms (%.3f µs a get)%n",
        TimeUnit.NANOSECONDS.toMillis(putNanos), putNanos / 1000.0 / files,
        TimeUnit.NANOSECONDS.toMillis(getNanos), getNanos / 1000.0 / files);
    IndexStore store = IndexStore.open(work);
    var _ = store.load();
    long saveStart = System.nanoTime();
    store.begin(Map.of("mine", index), new io.hashstream.producer.internal.store.TablePosition("", Map.of(), Map.of()), true);
    long saved = System.nanoTime() - saveStart;
    store.release();
    System.out.printf(Locale.ROOT, "snapshot written in %d ms%n", TimeUnit.NANOSECONDS.toMillis(saved));
    return Files.size(work.resolve("index.snapshot"));
  }

  private static IndexEntry entry(long i) {
    long mtime = NOW + (i * 7_919_113L) % 1_000_000_000_000L;
    return IndexEntry.published(new FileState(FileType.REGULAR, 1024 + i % 8192, mtime, mtime + i % 1000, new FileState.Identity(2049, 1_000_000 + i)));
  }

  /** The process's resident memory now, and at most so far, from /proc/self/status. */
  private static String rss() {
    return String.format(Locale.ROOT, "VmRSS %d MiB (VmHWM %d MiB)", kibibytes("VmRSS") >> 10, kibibytes("VmHWM") >> 10);
  }

  private static long kibibytes(String field) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith(field + ":")) {
          return Long.parseLong(line.substring(field.length() + 1).replace("kB", "").strip());
        }
      }
    } catch (IOException e) {
      // Not Linux: the measurement is missing, not wrong.
    }
    return -1;
  }

  private static void restart(String bootstrap, String registry, long others, long own, Path work) throws Exception {
    Path tree = Files.createDirectories(work.resolve("tree"));
    Path state = work.resolve("state");
    ProducerSettings settings =
        ProducerSettings.of("index-scale", List.of(WatchedRoot.of("mine", tree)), KafkaSettings.of(bootstrap, registry))
            .withTopics("index-scale.events", "index-scale.hashes")
            .withStateDirectory(state);
    fill(settings, bootstrap, registry, others, own);
    for (String run : List.of("no saved index (the whole table read)", "from the saved index")) {
      if (run.startsWith("no")) {
        deleteTree(state);
      }
      IndexStore store = IndexStore.open(state);
      long start = System.nanoTime();
      StartingIndex.Started started;
      try (Cluster cluster = Cluster.connect(settings)) {
        int partitions = cluster.ensureEventsTopic();
        started = StartingIndex.build(settings, cluster, partitions, Set.of("mine"), store, progress -> {});
      }
      long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
      IndexStart report = started.report();
      started.journal().close(started.indexes());
      System.out.printf(Locale.ROOT, "restart, %s: %d ms, %d table records read, %d files of its own%n",
          run, millis, report.tableRecordsRead(), report.files());
    }
  }

  /** Writes the table if it does not hold OTHERS + OWN records yet. */
  private static void fill(ProducerSettings settings, String bootstrap, String registry, long others, long own) throws Exception {
    String topic = settings.hashesTopic();
    Map<String, Object> admin = Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    try (Admin client = Admin.create(admin)) {
      if (!client.listTopics().names().get().contains(topic)) {
        client.createTopics(List.of(new NewTopic(topic, 12, (short) 1)
            .configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT)))).all().get();
      }
      List<TopicPartition> partitions = java.util.stream.IntStream.range(0, 12).mapToObj(p -> new TopicPartition(topic, p)).toList();
      long held = client.listOffsets(partitions.stream().collect(java.util.stream.Collectors.toMap(p -> p, p -> org.apache.kafka.clients.admin.OffsetSpec.latest())))
          .all().get().values().stream().mapToLong(o -> o.offset()).sum();
      if (held >= others + own) {
        System.out.printf(Locale.ROOT, "the table holds %d records already%n", held);
        return;
      }
    }
    byte[] value;
    try (AvroSerializer<HashResult> serializer = new AvroSerializer<>(Map.of(SerdeConfig.SCHEMA_REGISTRY_URL, registry), false)) {
      value = serializer.serialize(topic, HashResult.newBuilder()
          .setRoot("r").setPath("p").setStatus(HashStatus.HASHED).setAlgorithm("SHA-256")
          .setDigest(ByteBuffer.wrap(new byte[32])).setSize(4096L).setModified(Instant.parse("2026-01-01T00:00:00Z"))
          .setStatusChanged(Instant.parse("2026-01-01T00:00:00Z"))
          .setSource(SourceEvent.newBuilder().setEventId(java.util.UUID.randomUUID()).setTopic("elsewhere").setPartition(0).setOffset(0).build())
          .setConsumerId("bench").setHashedAt(Instant.parse("2026-01-02T00:00:00Z")).build());
    }
    Map<String, Object> config = new HashMap<>();
    config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    config.put(ProducerConfig.LINGER_MS_CONFIG, 20);
    config.put(ProducerConfig.BATCH_SIZE_CONFIG, 1 << 20);
    config.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
    long start = System.nanoTime();
    try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(config, new ByteArraySerializer(), new ByteArraySerializer())) {
      for (long i = 0; i < others + own; i++) {
        String key = i < others ? "host-" + (i % 100) + "/" + path(i) : "mine/" + path(i - others);
        var _ = producer.send(new ProducerRecord<>(topic, key.getBytes(java.nio.charset.StandardCharsets.UTF_8), value));
      }
    }
    System.out.printf(Locale.ROOT, "wrote %d records of other roots and %d of its own in %d s%n",
        others, own, TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start));
  }

  private static void deleteTree(Path directory) throws IOException {
    if (!Files.exists(directory)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(directory)) {
      for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(path);
      }
    }
  }

}
