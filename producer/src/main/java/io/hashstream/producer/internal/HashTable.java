package io.hashstream.producer.internal;

import io.hashstream.producer.ProducerException;
import io.hashstream.producer.ProducerSettings;
import io.hashstream.producer.Progress;
import io.hashstream.producer.ProgressListener;
import io.hashstream.schemas.FileKey;
import io.hashstream.schemas.SourceHeaders;
import io.hashstream.schemas.avro.SourceEvent;
import io.hashstream.schemas.avro.HashResult;
import io.hashstream.schemas.serde.AvroDeserializer;
import io.hashstream.schemas.serde.SerdeFailures;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the hash table ({@code hashstream.hashes}) to its end, committed records only, into one
 * {@link Index} per root of this producer: a value is the file's last known state, a tombstone
 * removes it. This is the starting index that a restart diffs the trees against.
 */
public final class HashTable {
  private static final Logger LOG = LoggerFactory.getLogger(HashTable.class);
  private static final Duration POLL = Duration.ofMillis(500);
  private static final long STUCK_NANOS = TimeUnit.SECONDS.toNanos(60);
  private static final long REPORT_NANOS = TimeUnit.SECONDS.toNanos(1);

  private HashTable() {}

  /**
   * Loads the indexes of {@code roots} from the topic's {@code partitions}.
   *
   * @throws ProducerException if the table cannot be read (broker or registry gone)
   */
  public static Map<String, Index> load(
      ProducerSettings settings, List<TopicPartition> partitions, Set<String> roots, ProgressListener listener) {
    return load(settings, partitions, roots, listener, new HashMap<>());
  }

  /**
   * {@link #load}, noting in {@code answered} the highest offset of each events-topic partition
   * that a result read answers: every event up to it is reflected in the table.
   */
  public static Map<String, Index> load(
      ProducerSettings settings,
      List<TopicPartition> partitions,
      Set<String> roots,
      ProgressListener listener,
      Map<Integer, Long> answered) {
    return loadAll(settings, partitions, roots, listener, answered).indexes();
  }

  /** What a full load read, and where it ended (per partition, the next offset). */
  public record Loaded(Map<String, Index> indexes, Map<Integer, Long> next, long records) {}

  /** {@link #load}, with where the read ended. */
  public static Loaded loadAll(
      ProducerSettings settings,
      List<TopicPartition> partitions,
      Set<String> roots,
      ProgressListener listener,
      Map<Integer, Long> answered) {
    Map<String, Index> indexes = new HashMap<>();
    for (String root : roots) {
      indexes.put(root, new Index());
    }
    Fold fold = new Fold(indexes);
    Map<Integer, Long> next =
        read(settings, partitions, Map.of(), roots, answered, fold, "loading the index from", listener, () -> size(indexes));
    // Read from each partition's beginning, so never refused.
    return new Loaded(indexes, next == null ? Map.of() : next, fold.records);
  }

  /** Where a read of the table ended, and what it changed. */
  public record Caught(Map<Integer, Long> next, long records, long changed) {}

  /**
   * Brings {@code indexes} (loaded from the producer's state directory) up to date with the table's
   * records from {@code from} (per partition; a partition not in it from its beginning) to the end.
   * A record that disagrees with the index (another state, a tombstone where the index has a file, a
   * file the index does not have, a result such as {@code UNSTABLE}) makes the path uncertain, so
   * the scan publishes what it holds now; one that agrees changes nothing.
   *
   * @return where the read ended and how many paths it made uncertain, or null if {@code from} is
   *     before a partition's first offset (records were deleted): then the index cannot be brought
   *     up to date, and the whole table is to be read instead
   */
  public static @Nullable Caught catchUp(
      ProducerSettings settings,
      List<TopicPartition> partitions,
      Map<Integer, Long> from,
      Map<String, Index> indexes,
      ProgressListener listener,
      Map<Integer, Long> answered) {
    Reconcile reconcile = new Reconcile(indexes);
    Map<Integer, Long> next =
        read(
            settings,
            partitions,
            from,
            indexes.keySet(),
            answered,
            reconcile,
            "bringing the index up to date from",
            listener,
            () -> size(indexes));
    return next == null ? null : new Caught(next, reconcile.records, reconcile.changed());
  }

  /** What a reader of the table does with each record of this producer's roots. */
  interface Visitor {
    void value(String root, String path, HashResult result);

    void tombstone(String root, String path);

    /** The read ended, after {@code count} records of every root. */
    default void read(long count) {}
  }

  /** The full load: the table's last record of each path is its entry. */
  private static final class Fold implements Visitor {
    private final Map<String, Index> indexes;
    long records;

    Fold(Map<String, Index> indexes) {
      this.indexes = indexes;
    }

    @Override
    public void value(String root, String path, HashResult result) {
      index(indexes, root).put(path, entry(result));
    }

    @Override
    public void tombstone(String root, String path) {
      index(indexes, root).remove(path);
    }

    @Override
    public void read(long count) {
      records = count;
    }
  }

  private static Index index(Map<String, Index> indexes, String root) {
    return java.util.Objects.requireNonNull(indexes.get(root), root);
  }

  /**
   * The catch-up: a path whose last record disagrees with what the index said before the catch-up
   * is uncertain; one whose last record agrees keeps its entry. Only the paths the records name are
   * remembered, with their entry from before.
   */
  private static final class Reconcile implements Visitor {
    private final Map<String, Index> indexes;

    Reconcile(Map<String, Index> indexes) {
      this.indexes = indexes;
    }

    /** Root and path → the entry before the catch-up; empty for none. */
    private final Map<PathRef, Optional<IndexEntry>> before = new HashMap<>();
    private final Set<PathRef> uncertain = new HashSet<>();
    long records;

    @Override
    public void value(String root, String path, HashResult result) {
      Index index = index(indexes, root);
      Optional<IndexEntry> known = before(root, index, path);
      settle(root, index, path, known, known.isPresent() && known.get().agreesWith(entry(result)));
    }

    @Override
    public void tombstone(String root, String path) {
      Index index = index(indexes, root);
      Optional<IndexEntry> known = before(root, index, path);
      settle(root, index, path, known, known.isEmpty());
    }

    long changed() {
      return uncertain.size();
    }

    @Override
    public void read(long count) {
      records = count;
    }

    private Optional<IndexEntry> before(String root, Index index, String path) {
      return before.computeIfAbsent(new PathRef(root, path), ref -> Optional.ofNullable(index.get(path)));
    }

    private void settle(String root, Index index, String path, Optional<IndexEntry> known, boolean agrees) {
      PathRef ref = new PathRef(root, path);
      if (agrees || known.filter(IndexEntry::isUncertain).isPresent()) {
        uncertain.remove(ref);
        known.ifPresentOrElse(entry -> index.put(path, entry), () -> index.remove(path));
      } else {
        uncertain.add(ref);
        index.put(path, IndexEntry.uncertain());
      }
    }
  }

  /**
   * Reads {@code partitions} from {@code from} to their end now into {@code visitor}.
   *
   * @return the end offsets reached, or null if {@code from} is before a partition's beginning
   */
  static @Nullable Map<Integer, Long> read(
      ProducerSettings settings,
      List<TopicPartition> partitions,
      Map<Integer, Long> from,
      Set<String> roots,
      Map<Integer, Long> answered,
      Visitor visitor,
      String doing,
      ProgressListener listener,
      LongSupplier files) {
    long start = System.nanoTime();
    long records = 0;
    Map<Integer, Long> next = new HashMap<>();
    try (AvroDeserializer<HashResult> values =
            new AvroDeserializer<>(HashResult.class, KafkaConfigs.serde(settings.kafka()), false);
        KafkaConsumer<byte[], byte[]> consumer =
            new KafkaConsumer<>(
                KafkaConfigs.hashTableConsumer(settings), new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      consumer.assign(partitions);
      Map<TopicPartition, Long> ends = consumer.endOffsets(partitions, settings.kafka().startTimeout());
      Map<TopicPartition, Long> begins = consumer.beginningOffsets(partitions, settings.kafka().startTimeout());
      long total = 0;
      for (TopicPartition partition : partitions) {
        long begin = begins.getOrDefault(partition, 0L);
        long end = ends.getOrDefault(partition, 0L);
        Long first = from.get(partition.partition());
        if (first != null && first < begin) {
          LOG.info(
              "the index reflects {} up to offset {}, but the partition now begins at {}",
              partition,
              first,
              begin);
          return null;
        }
        long position = first == null ? begin : Math.min(first, end);
        consumer.seek(partition, position);
        total += end - position;
        next.put(partition.partition(), end);
      }
      LOG.info("{} {} ({} records at most, committed only)", doing, settings.hashesTopic(), total);
      long lastProgress = System.nanoTime();
      long lastReport = lastProgress;
      RegistryWait registry = new RegistryWait(settings.kafka().schemaRegistryUrl());
      while (!caughtUp(consumer, ends)) {
        ConsumerRecords<byte[], byte[]> batch = consumer.poll(POLL);
        long now = System.nanoTime();
        if (!batch.isEmpty()) {
          lastProgress = now;
        } else if (now - lastProgress > STUCK_NANOS) {
          throw new ProducerException(
              "reading the hash table "
                  + settings.hashesTopic()
                  + " made no progress for 60 s (is the broker still up?)",
              null);
        }
        for (TopicPartition partition : batch.partitions()) {
          for (ConsumerRecord<byte[], byte[]> record : batch.records(partition)) {
            if (!take(record, roots, values, settings, answered, registry, visitor)) {
              // The registry did not answer for this record's schema: read it again from here.
              consumer.seek(partition, record.offset());
              lastProgress = System.nanoTime();
              break;
            }
            records++;
          }
        }
        if (now - lastReport >= REPORT_NANOS) {
          lastReport = now;
          listener.onProgress(
              new Progress(
                  Progress.Phase.LOADING_INDEX, 0, Duration.ZERO, 0, 0, 0, files.getAsLong()));
        }
      }
    }
    visitor.read(records);
    LOG.info(
        "index: {} files of this producer's roots, after {} records of the table in {} ms",
        files.getAsLong(),
        records,
        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
    return next;
  }

  /**
   * Takes one record of the table. Its key is read first: the value of another producer's root is
   * never decoded (on a shared topic most records are theirs). A tombstone names its source in its
   * headers, whoever's it is.
   *
   * @return false if the record must be read again: its schema is not cached and the registry did
   *     not answer
   * @throws ProducerException if a value cannot be read for another reason than a bad record
   */
  private static boolean take(
      ConsumerRecord<byte[], byte[]> record,
      Set<String> roots,
      AvroDeserializer<HashResult> values,
      ProducerSettings settings,
      Map<Integer, Long> answered,
      RegistryWait registry,
      Visitor visitor) {
    byte[] bytes = record.value();
    FileKey key = key(record.key());
    boolean ours = key != null && roots.contains(key.root());
    if (bytes == null) {
      SourceHeaders.read(record.headers()).ifPresent(source -> noteSource(settings.eventsTopic(), source, answered));
      if (key != null && ours) {
        visitor.tombstone(key.root(), key.path());
      }
      return true;
    }
    if (key == null || !ours) {
      return true;
    }
    HashResult value;
    try {
      value = values.deserialize(record.topic(), record.headers(), bytes);
    } catch (SerializationException e) {
      return switch (SerdeFailures.classify(e)) {
        case BAD_RECORD -> {
          LOG.warn(
              "hash table record {}-{} at offset {} cannot be read and is skipped: {}",
              record.topic(),
              record.partition(),
              record.offset(),
              e.getMessage());
          yield true;
        }
        case TRANSIENT -> {
          registry.unanswered(
              "reading hash table record " + record.topic() + "-" + record.partition() + " at offset " + record.offset());
          yield false;
        }
        case OTHER ->
            throw new ProducerException("cannot read the hash table " + settings.hashesTopic() + ": " + e.getMessage(), e);
      };
    }
    registry.answered();
    if (value != null) {
      noteSource(settings.eventsTopic(), value.getSource(), answered);
      visitor.value(key.root(), key.path(), value);
    } else {
      visitor.tombstone(key.root(), key.path());
    }
    return true;
  }

  private static @Nullable FileKey key(byte @Nullable [] key) {
    if (key == null) {
      return null;
    }
    try {
      return FileKey.parse(key);
    } catch (IllegalArgumentException e) {
      LOG.debug("hash table key skipped: {}", e.getMessage());
      return null;
    }
  }

  private static void noteSource(String eventsTopic, SourceEvent source, Map<Integer, Long> answered) {
    if (source.getTopic().equals(eventsTopic)) {
      answered.merge(source.getPartition(), source.getOffset(), Math::max);
    }
  }

  /** Whether {@code consumer} has read every assigned partition up to {@code ends}. */
  static boolean caughtUp(KafkaConsumer<?, ?> consumer, Map<TopicPartition, Long> ends) {
    for (Map.Entry<TopicPartition, Long> end : ends.entrySet()) {
      if (consumer.position(end.getKey()) < end.getValue()) {
        return false;
      }
    }
    return true;
  }

  /**
   * What a hash result says the producer published: compared by type, size and times only. Results
   * that are not a settled view of the file ({@code UNREADABLE}, {@code UNSTABLE}) are uncertain:
   * each start publishes such a path once more. So is a digest taken within one timestamp tick of
   * the file's last change ({@link Racy}): a rewrite of the same size in that tick shows no change.
   */
  static IndexEntry entry(HashResult result) {
    Long size = result.getSize();
    var modified = result.getModified();
    Long nanos = modified == null ? null : FileState.nanos(modified);
    var changed = result.getStatusChanged();
    // Results written before statusChanged existed have none: compared without it, not republished.
    Long changedNanos = changed == null ? null : FileState.nanos(changed);
    Long hashedAt = FileState.nanos(result.getHashedAt());
    return switch (result.getStatus()) {
      case HASHED ->
          hashedAt != null && Racy.within(nanos, changedNanos, hashedAt)
              ? IndexEntry.uncertain()
              : IndexEntry.recorded(FileType.REGULAR, size, nanos, changedNanos);
      case NOT_REGULAR_FILE -> IndexEntry.recorded(type(result.getFileType()), size, nanos, changedNanos);
      // A file that could not be read may be readable now without any change the diff would see.
      case UNREADABLE, UNSTABLE, UNKNOWN -> IndexEntry.uncertain();
    };
  }

  private static FileType type(io.hashstream.schemas.avro.@Nullable FileType type) {
    if (type == null) {
      return FileType.OTHER;
    }
    return switch (type) {
      case SYMLINK -> FileType.SYMLINK;
      case DIRECTORY -> FileType.DIRECTORY;
      case FIFO, DEVICE, SOCKET, OTHER -> FileType.OTHER;
    };
  }

  private static long size(Map<String, Index> indexes) {
    long total = 0;
    for (Index index : indexes.values()) {
      total += index.size();
    }
    return total;
  }
}
