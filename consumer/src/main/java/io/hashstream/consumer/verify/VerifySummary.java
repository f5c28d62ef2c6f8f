package io.hashstream.consumer.verify;

import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;

/**
 * What a run found, by verdict, and what it read.
 *
 * @param counts how many paths got each verdict (every verdict present, zero included)
 */
public record VerifySummary(Map<Verdict, Long> counts, long filesRead, long bytesRead, Duration took, long seed) {
  public VerifySummary {
    Map<Verdict, Long> all = new EnumMap<>(Verdict.class);
    for (Verdict verdict : Verdict.values()) {
      all.put(verdict, counts.getOrDefault(verdict, 0L));
    }
    counts = java.util.Collections.unmodifiableMap(all);
  }

  public long count(Verdict verdict) {
    return counts.getOrDefault(verdict, 0L);
  }

  /** Whether a path was found where the table is not true of the tree (exit status 3). */
  public boolean tableUntrue() {
    return counts.entrySet().stream().anyMatch(e -> e.getKey().tableUntrue() && e.getValue() > 0);
  }
}
