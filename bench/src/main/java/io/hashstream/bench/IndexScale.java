package io.hashstream.bench;

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
 *       characters, entries as a real file's: size, nanosecond times, device and inode), its heap
 *       after GC and its own count of resident bytes, per file; then its snapshot written and read
 *       back.
 *   <li>{@code restart BOOTSTRAP REGISTRY OTHERS OWN DIR}: a hash table of OTHERS records of other
 *       producers' roots and OWN of this producer's, then the starting index built twice: with no
 *       saved index (the whole table read), and from the index that first start saved.
 * </ul>
 */
public final class IndexScale {
  private static final int DIRECTORIES = 2_000;

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
    MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    long before = usedAfterGc(memory);
    Index index = new Index();
    long start = System.nanoTime();
    long now = 1_764_800_000_000_000_000L;
    for (long i = 0; i < files; i++) {
      long mtime = now + (i * 7_919_113L) % 1_000_000_000_000L;
      index.put(path(i), IndexEntry.published(new FileState(FileType.REGULAR, 1024 + i % 8192, mtime, mtime + i % 1000, new FileState.Identity(2049, 1_000_000 + i))));
    }
    long built = System.nanoTime() - start;
    long heap = usedAfterGc(memory) - before;
    System.out.printf(Locale.ROOT, "files %d: heap after GC %.1f bytes a file, resident (own count) %.1f bytes a file; built in %d ms (%.2f µs a put); max heap %d MiB%n",
        files, (double) heap / files, (double) index.residentBytes() / files, TimeUnit.NANOSECONDS.toMillis(built),
        built / 1000.0 / files, Runtime.getRuntime().maxMemory() >> 20);
    Files.createDirectories(work);
    IndexStore store = IndexStore.open(work);
    var _ = store.load();
    long saveStart = System.nanoTime();
    store.begin(Map.of("mine", index), new io.hashstream.producer.internal.store.TablePosition("", Map.of(), Map.of()), true);
    long saved = System.nanoTime() - saveStart;
    store.release();
    long size = Files.size(work.resolve("index.snapshot"));
    IndexStore again = IndexStore.open(work);
    long loadStart = System.nanoTime();
    IndexStore.Loaded loaded = again.load();
    long load = System.nanoTime() - loadStart;
    long count = loaded instanceof IndexStore.Loaded.Found found ? found.indexes().getOrDefault("mine", new Index()).size() : -1;
    again.release();
    System.out.printf(Locale.ROOT, "snapshot: %d bytes (%.1f a file), written in %d ms, read back (%d files) in %d ms%n",
        size, (double) size / files, TimeUnit.NANOSECONDS.toMillis(saved), count, TimeUnit.NANOSECONDS.toMillis(load));
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

  private static long usedAfterGc(MemoryMXBean memory) {
    long used = Long.MAX_VALUE;
    for (int i = 0; i < 5; i++) {
      System.gc();
      used = Math.min(used, memory.getHeapMemoryUsage().getUsed());
    }
    return used;
  }
}
