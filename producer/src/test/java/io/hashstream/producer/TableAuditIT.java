package io.hashstream.producer;

import static io.hashstream.producer.Fixtures.write;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

import io.hashstream.schemas.avro.ChangeKind;
import io.hashstream.schemas.avro.FileChangeEvent;
import io.hashstream.testsupport.SharedRuntime;
import io.hashstream.testsupport.TestCluster;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The comparison of a saved index with the whole hash table heals what a restart from the index
 * would never see: a result that never came, one the table has wrong, a tombstone for a file that
 * exists, a value for one that is gone. What agrees is not published again.
 */
@ExtendWith(SharedRuntime.class)
class TableAuditIT {
  @TempDir Path tree;
  @TempDir Path state;

  @Test
  void whatTheTableHasWrongOrLacksIsPublishedAgainAndNothingElse(TestCluster cluster) throws Exception {
    for (String name : List.of("agrees.txt", "also-agrees.txt", "wrong.txt", "never-answered.txt", "tombstoned.txt")) {
      write(tree.resolve(name), "content of " + name);
    }
    ProducerSettings settings = Fixtures.settings(cluster, "mine", tree).withStateDirectory(state);
    try (FileProducer producer = FileProducer.start(settings, new SimpleMeterRegistry());
        EventLog log = new EventLog(cluster, settings.eventsTopic());
        HashTableWriter table = new HashTableWriter(cluster, settings.hashesTopic(), log)) {
      ProducerIT.awaitIdle(producer);
      List<FileChangeEvent> first = log.catchUp();
      assertThat(first).hasSize(5);
      for (FileChangeEvent event : first) {
        switch (event.getPath()) {
          case "wrong.txt" -> table.hashed("mine", "wrong.txt", 999, Instant.parse("2020-01-01T00:00:00Z"));
          case "never-answered.txt" -> {}
          case "tombstoned.txt" -> {
            table.hashed(event);
            table.tombstone("mine", "tombstoned.txt");
          }
          default -> table.hashed(event);
        }
      }
      table.hashed("mine", "ghost.txt", 3, Instant.parse("2020-01-01T00:00:00Z"));
      table.hashed("theirs", "not-mine.txt", 3, Instant.parse("2020-01-01T00:00:00Z"));

      // The first comparison may find the consumers behind on the event never answered; one an
      // interval later that finds them behind by exactly as much concludes that it is lost.
      assertThat(producer.compareWithTable()).isTrue();
      assertThat(producer.compareWithTable()).isTrue();
      ProducerIT.awaitIdle(producer);
      List<FileChangeEvent> all = log.catchUp();
      assertThat(all.subList(5, all.size()))
          .extracting(FileChangeEvent::getPath, FileChangeEvent::getKind)
          .containsExactlyInAnyOrder(
              tuple("wrong.txt", ChangeKind.MODIFIED),
              tuple("never-answered.txt", ChangeKind.MODIFIED),
              tuple("tombstoned.txt", ChangeKind.MODIFIED),
              tuple("ghost.txt", ChangeKind.DELETED));

      // Answered now: the next comparison agrees, and publishes nothing.
      for (FileChangeEvent event : all.subList(5, all.size())) {
        if (event.getKind() == ChangeKind.DELETED) {
          table.tombstone("mine", event.getPath());
        } else {
          table.hashed(event);
        }
      }
      assertThat(producer.compareWithTable()).isTrue();
      ProducerIT.awaitIdle(producer);
      assertThat(log.catchUp()).hasSize(all.size());
    }
  }
}
