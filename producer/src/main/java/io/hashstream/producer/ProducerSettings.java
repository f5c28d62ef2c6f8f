package io.hashstream.producer;

import io.hashstream.schemas.Topics;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Everything the producer needs.
 *
 * @param producerId names this producer in every event; keep it stable across restarts
 * @param roots the trees to watch: at least one, names and directories distinct
 * @param eventsTopic where events go; created with {@code partitions} partitions if missing
 * @param hashesTopic the hash table read at start as the index of what was published before
 * @param partitions the partition count of a new events topic (an existing topic keeps its own)
 * @param timing settling and reconciliation
 * @param maxInFlight at most this many events wait for Kafka's acknowledgement at once; changes
 *     beyond it stay coalesced in memory
 * @param kafka how to reach Kafka and the registry
 * @param stateDirectory where the producer keeps what it must know at its next start (each root's
 *     directory as seen while healthy), one directory per producer; null keeps it in memory only
 * @param deleteThreshold deletes that a scan or a directory's disappearance would publish at once
 *     for a root are held when they are at least this many and more than half of its known files,
 *     until the files reappear or {@link FileProducer#confirmDeletes} is called; 0 turns it off
 */
public record ProducerSettings(
    String producerId,
    List<WatchedRoot> roots,
    String eventsTopic,
    String hashesTopic,
    int partitions,
    Timing timing,
    int maxInFlight,
    KafkaSettings kafka,
    @Nullable Path stateDirectory,
    int deleteThreshold,
    Watching watching) {
  public static final int DEFAULT_PARTITIONS = 12;
  public static final int DEFAULT_MAX_IN_FLIGHT = 10_000;
  public static final int DEFAULT_DELETE_THRESHOLD = 1_000;

  /**
   * @throws IllegalArgumentException with a one-line message naming what is wrong
   */
  public ProducerSettings {
    if (producerId.isBlank()) {
      throw new IllegalArgumentException("the producer id must not be empty");
    }
    roots = List.copyOf(roots);
    if (roots.isEmpty()) {
      throw new IllegalArgumentException("no root to watch: give at least one NAME=DIR");
    }
    Map<String, WatchedRoot> byName = new HashMap<>();
    Map<Path, WatchedRoot> byDirectory = new HashMap<>();
    for (WatchedRoot root : roots) {
      if (byName.putIfAbsent(root.name(), root) != null) {
        throw new IllegalArgumentException("root name '" + root.name() + "' is given twice");
      }
      WatchedRoot same = byDirectory.putIfAbsent(root.directory(), root);
      if (same != null) {
        throw new IllegalArgumentException(
            "roots '" + same.name() + "' and '" + root.name() + "' name the same directory " + root.directory());
      }
    }
    if (eventsTopic.isBlank() || hashesTopic.isBlank()) {
      throw new IllegalArgumentException("topic names must not be empty");
    }
    if (eventsTopic.equals(hashesTopic)) {
      throw new IllegalArgumentException("the events topic and the hashes topic must differ");
    }
    if (partitions < 1) {
      throw new IllegalArgumentException("the partition count must be at least 1, not " + partitions);
    }
    if (deleteThreshold < 0) {
      throw new IllegalArgumentException("the delete threshold must be 0 (off) or more, not " + deleteThreshold);
    }
    if (maxInFlight < 1) {
      throw new IllegalArgumentException("maxInFlight must be at least 1, not " + maxInFlight);
    }
  }

  /** Default topics, partitions and timing. */
  public static ProducerSettings of(String producerId, List<WatchedRoot> roots, KafkaSettings kafka) {
    return new ProducerSettings(
        producerId,
        roots,
        Topics.EVENTS,
        Topics.HASHES,
        DEFAULT_PARTITIONS,
        Timing.DEFAULT,
        DEFAULT_MAX_IN_FLIGHT,
        kafka,
        null,
        DEFAULT_DELETE_THRESHOLD,
        Watching.DEFAULT);
  }

  public ProducerSettings withTopics(String events, String hashes) {
    return new ProducerSettings(producerId, roots, events, hashes, partitions, timing, maxInFlight, kafka, stateDirectory, deleteThreshold, watching);
  }

  public ProducerSettings withPartitions(int count) {
    return new ProducerSettings(producerId, roots, eventsTopic, hashesTopic, count, timing, maxInFlight, kafka, stateDirectory, deleteThreshold, watching);
  }

  public ProducerSettings withTiming(Timing value) {
    return new ProducerSettings(producerId, roots, eventsTopic, hashesTopic, partitions, value, maxInFlight, kafka, stateDirectory, deleteThreshold, watching);
  }

  public ProducerSettings withMaxInFlight(int value) {
    return new ProducerSettings(producerId, roots, eventsTopic, hashesTopic, partitions, timing, value, kafka, stateDirectory, deleteThreshold, watching);
  }

  /** Keeps the producer's state in {@code directory} (null: in memory only). */
  public ProducerSettings withStateDirectory(@Nullable Path directory) {
    return new ProducerSettings(
        producerId, roots, eventsTopic, hashesTopic, partitions, timing, maxInFlight, kafka, directory, deleteThreshold, watching);
  }

  /** Holds bulk deletes of at least {@code count} files (and more than half a root's); 0: never. */
  public ProducerSettings withDeleteThreshold(int count) {
    return new ProducerSettings(
        producerId, roots, eventsTopic, hashesTopic, partitions, timing, maxInFlight, kafka, stateDirectory, count, watching);
  }

  public ProducerSettings withRoots(List<WatchedRoot> value) {
    return new ProducerSettings(producerId, value, eventsTopic, hashesTopic, partitions, timing, maxInFlight, kafka, stateDirectory, deleteThreshold, watching);
  }

  public ProducerSettings withWatching(Watching value) {
    return new ProducerSettings(producerId, roots, eventsTopic, hashesTopic, partitions, timing, maxInFlight, kafka, stateDirectory, deleteThreshold, value);
  }

  public ProducerSettings withKafka(KafkaSettings value) {
    return new ProducerSettings(producerId, roots, eventsTopic, hashesTopic, partitions, timing, maxInFlight, value, stateDirectory, deleteThreshold, watching);
  }
}
