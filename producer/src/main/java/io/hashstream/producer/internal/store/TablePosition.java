package io.hashstream.producer.internal.store;

import java.util.Map;
import java.util.TreeMap;

/**
 * How far the index reflects the hash table.
 *
 * @param topicId the hash topic's id: a topic deleted and created again has another one, and then
 *     the offsets mean nothing
 * @param next per partition of the hash topic, the offset of the first record the index does not
 *     reflect yet
 * @param answered per partition of the events topic, the highest offset a result read answers
 */
public record TablePosition(String topicId, Map<Integer, Long> next, Map<Integer, Long> answered) {
  public TablePosition {
    next = Map.copyOf(next);
    answered = Map.copyOf(answered);
  }

  /** Sorted, for the persisted form and for logs. */
  Map<Integer, Long> sortedNext() {
    return new TreeMap<>(next);
  }

  Map<Integer, Long> sortedAnswered() {
    return new TreeMap<>(answered);
  }
}
