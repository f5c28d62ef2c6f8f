package io.hashstream.producer.internal;

import io.hashstream.producer.IndexStart;
import io.hashstream.producer.ProducerException;
import io.hashstream.producer.ProducerSettings;
import io.hashstream.producer.ProgressListener;
import io.hashstream.producer.internal.store.IndexJournal;
import io.hashstream.producer.internal.store.IndexStore;
import io.hashstream.producer.internal.store.TablePosition;
import java.io.IOException;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The index a producer starts from: the one in its state directory brought up to date with the
 * hash table's records since it was saved, or, with none usable, the whole table read (said once,
 * with why). Then the events in flight at the last stop are taken in, and what is on disk is made
 * to match before the tracker takes the index over.
 */
public final class StartingIndex {
  private static final Logger LOG = LoggerFactory.getLogger(StartingIndex.class);

  /**
   * The index to start from.
   *
   * @param journal where the tracker records its changes ({@link IndexJournal#NONE} without a
   *     state directory)
   * @param report where it came from, and what it cost
   */
  public record Started(
      Map<String, Index> indexes, IndexJournal journal, TablePosition position, IndexStart report) {}

  private StartingIndex() {}

  /**
   * Builds the index to start from.
   *
   * @param store the locked state directory's index, or null for a producer that keeps no state
   * @throws ProducerException if the table cannot be read, or the state directory not written
   */
  public static Started build(
      ProducerSettings settings,
      Cluster cluster,
      int eventPartitions,
      Set<String> roots,
      @Nullable IndexStore store,
      ProgressListener listener) {
    long start = System.nanoTime();
    Cluster.HashTopic table = cluster.hashTable();
    Map<Integer, Long> answered = new HashMap<>();
    Map<String, Index> indexes = null;
    Map<Integer, Long> next = Map.of();
    long changed = 0;
    long records = 0;
    if (store != null) {
      String reason;
      switch (store.load()) {
        case IndexStore.Loaded.Missing missing -> reason = missing.reason();
        case IndexStore.Loaded.Found found -> {
          reason = unusable(found, table, roots, settings.hashesTopic());
          if (reason == null) {
            Map<String, Index> loaded = new HashMap<>();
            for (String root : roots) {
              loaded.put(root, found.indexes().get(root));
            }
            answered.putAll(found.position().answered());
            Map<Integer, Long> from = found.position().topicId().isEmpty() ? Map.of() : found.position().next();
            HashTable.Caught caught = HashTable.catchUp(settings, table.partitions(), from, loaded, listener, answered);
            if (caught == null) {
              reason = "records of " + settings.hashesTopic() + " were deleted since the index was saved";
              answered.clear();
            } else {
              indexes = loaded;
              next = caught.next();
              changed = caught.changed();
              records = caught.records();
              LOG.info(
                  "index loaded from {}: {} files ({} changes replayed from its log); {} records of this"
                      + " producer's roots since, {} of them disagreeing (published again)",
                  settings.stateDirectory(),
                  files(loaded),
                  found.replayed(),
                  caught.records(),
                  caught.changed());
            }
          }
          // The saved indexes not started from (other roots', or all if unusable) free their
          // memory now, not once the collector finds them: a whole table's read may follow.
          for (Map.Entry<String, Index> saved : found.indexes().entrySet()) {
            if (indexes == null || indexes.get(saved.getKey()) != saved.getValue()) {
              saved.getValue().close();
            }
          }
        }
      }
      if (indexes == null) {
        LOG.info("{}: reading the whole hash table instead", reason);
      }
    }
    boolean fromStateDirectory = indexes != null;
    if (indexes == null) {
      HashTable.Loaded loaded = HashTable.loadAll(settings, table.partitions(), roots, listener, answered);
      indexes = loaded.indexes();
      next = loaded.next();
      records = loaded.records();
    }
    changed += InFlightEvents.apply(settings, eventPartitions, answered, indexes);
    TablePosition position = new TablePosition(table.id(), next, answered);
    IndexStart report =
        new IndexStart(fromStateDirectory, records, files(indexes), Duration.ofNanos(System.nanoTime() - start));
    if (store == null) {
      return new Started(indexes, IndexJournal.NONE, position, report);
    }
    try {
      store.begin(indexes, position, changed > 0 || !fromStateDirectory);
    } catch (IOException e) {
      throw ProducerException.configuration(
          "cannot write the index in the state directory " + settings.stateDirectory() + ": " + e.getMessage());
    }
    LOG.info("index ready in {} ms", TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
    return new Started(indexes, store, position, report);
  }

  /** Why a saved index cannot be brought up to date with the table; null if it can. */
  private static @Nullable String unusable(
      IndexStore.Loaded.Found found, Cluster.HashTopic table, Set<String> roots, String topic) {
    String saved = found.position().topicId();
    if (!saved.isEmpty() && !saved.equals(table.id())) {
      return table.id().isEmpty()
          ? "the hash table " + topic + " the index was saved against no longer exists"
          : "the hash table " + topic + " was created again since the index was saved (topic id " + saved
              + ", now " + table.id() + ")";
    }
    List<String> unknown = roots.stream().filter(root -> !found.indexes().containsKey(root)).sorted().toList();
    if (!unknown.isEmpty()) {
      return "the saved index has no root " + unknown.stream().map(r -> "'" + r + "'").collect(Collectors.joining(", "));
    }
    return null;
  }

  private static long files(Map<String, Index> indexes) {
    return indexes.values().stream().mapToLong(Index::size).sum();
  }
}
