package io.hashstream.producer;

import static org.assertj.core.api.Assertions.assertThat;

import io.hashstream.producer.internal.HashTable;
import io.hashstream.producer.internal.Index;
import io.hashstream.testsupport.SharedRuntime;
import io.hashstream.testsupport.TestCluster;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A start's index load from a hash topic shared with other producers: only this producer's roots
 * end in its index, their tombstones remove their entries, and the other roots' records cost their
 * key (the load's time is logged, for BENCHMARKS.md; never asserted).
 */
@ExtendWith(SharedRuntime.class)
class HashTableLoadIT {
  private static final Logger LOG = LoggerFactory.getLogger(HashTableLoadIT.class);
  private static final int OTHERS = 100_000;
  private static final int OWN = 2_000;

  @TempDir Path tree;

  @Test
  void aSharedTableLoadsThisProducersRootsOnly(TestCluster cluster) throws Exception {
    ProducerSettings settings = Fixtures.settings(cluster, "mine", tree);
    try (HashTableWriter table = new HashTableWriter(cluster, settings.hashesTopic(), new EventLog(cluster, settings.eventsTopic()))) {
      for (int i = 0; i < OTHERS / 10_000; i++) {
        table.hashedMany("another-host", "batch" + i + "/file", 10_000);
      }
      table.hashedMany("mine", "f", OWN);
      table.tombstone("mine", "f0");
      table.tombstone("another-host", "batch0/file0");
    }
    List<TopicPartition> partitions =
        List.of(0, 1, 2).stream().map(p -> new TopicPartition(settings.hashesTopic(), p)).toList();
    for (int run = 0; run < 2; run++) {
      Map<Integer, Long> answered = new HashMap<>();
      long started = System.nanoTime();
      Map<String, Index> indexes = HashTable.load(settings, partitions, Set.of("mine"), progress -> {}, answered);
      Index mine = java.util.Objects.requireNonNull(indexes.get("mine"));
      LOG.info(
          "loaded {} of this producer's files from {} records in {} ms",
          mine.size(),
          OTHERS + OWN + 2,
          (System.nanoTime() - started) / 1_000_000);
      assertThat(indexes).containsOnlyKeys("mine");
      assertThat(mine.size()).isEqualTo(OWN - 1);
      assertThat(mine.get("f0")).isNull();
      assertThat(mine.get("f1")).isNotNull();
    }
  }
}
