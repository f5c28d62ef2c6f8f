package io.hashstream.producer;

import static io.hashstream.producer.Fixtures.write;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hashstream.schemas.avro.ChangeKind;
import io.hashstream.schemas.avro.FileChangeEvent;
import io.hashstream.testsupport.SharedRuntime;
import io.hashstream.testsupport.TestCluster;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A producer with a state directory saves its index there, and a restart reads the hash table only
 * from where the saved index left it: the records of other producers' roots written before are
 * never read again.
 */
@ExtendWith(SharedRuntime.class)
class PersistedIndexIT {
  @TempDir Path tree;
  @TempDir Path state;

  @Test
  void aRestartReadsOnlyTheRecordsWrittenSinceTheIndexWasSaved(TestCluster cluster) throws Exception {
    for (int i = 0; i < 40; i++) {
      write(tree.resolve("dir-" + i % 4 + "/file-" + i + ".txt"), "content " + i);
    }
    ProducerSettings settings = Fixtures.settings(cluster, "mine", tree).withStateDirectory(state);
    createTopic(cluster, settings.eventsTopic());
    try (EventLog log = new EventLog(cluster, settings.eventsTopic());
        HashTableWriter table = new HashTableWriter(cluster, settings.hashesTopic(), log)) {
      table.hashedMany("theirs", "f-", 30_000);

      IndexStart first = run(settings);
      assertThat(first.fromStateDirectory()).isFalse();
      assertThat(first.tableRecordsRead()).isEqualTo(30_000);
      List<FileChangeEvent> published = log.catchUp();
      assertThat(published).hasSize(40).allMatch(e -> e.getKind() == ChangeKind.FOUND);
      for (FileChangeEvent event : published) {
        table.hashed(event);
      }
      table.hashedMany("theirs", "g-", 5_000);

      IndexStart second = run(settings);
      assertThat(second.fromStateDirectory()).isTrue();
      assertThat(second.tableRecordsRead()).as("only the records since the save").isEqualTo(5_040);
      assertThat(second.files()).isEqualTo(40);
      assertThat(log.catchUp()).as("nothing changed, nothing published").hasSize(40);

      write(tree.resolve("dir-1/new.txt"), "new");
      Files.delete(tree.resolve("dir-2/file-2.txt"));
      IndexStart third = run(settings);
      assertThat(third.fromStateDirectory()).isTrue();
      assertThat(third.tableRecordsRead()).isZero();
      List<FileChangeEvent> all = log.catchUp();
      assertThat(all.subList(40, all.size()))
          .extracting(FileChangeEvent::getPath, FileChangeEvent::getKind)
          .containsExactlyInAnyOrder(
              org.assertj.core.groups.Tuple.tuple("dir-1/new.txt", ChangeKind.FOUND),
              org.assertj.core.groups.Tuple.tuple("dir-2/file-2.txt", ChangeKind.DELETED));
    }
  }

  @Test
  void aTruncatedIndexIsNotUsedAndTheWholeTableIsReadOnce(TestCluster cluster) throws Exception {
    for (int i = 0; i < 20; i++) {
      write(tree.resolve("file-" + i), "content " + i);
    }
    ProducerSettings settings = Fixtures.settings(cluster, "mine", tree).withStateDirectory(state);
    createTopic(cluster, settings.eventsTopic());
    try (EventLog log = new EventLog(cluster, settings.eventsTopic());
        HashTableWriter table = new HashTableWriter(cluster, settings.hashesTopic(), log)) {
      run(settings);
      for (FileChangeEvent event : log.catchUp()) {
        table.hashed(event);
      }
      Path snapshot = state.resolve("index.snapshot");
      byte[] whole = Files.readAllBytes(snapshot);
      Files.write(snapshot, Arrays.copyOf(whole, whole.length - 3));

      IndexStart damaged = run(settings);
      assertThat(damaged.fromStateDirectory()).isFalse();
      assertThat(damaged.tableRecordsRead()).isEqualTo(20);
      assertThat(log.catchUp()).as("the table knew every file").hasSize(20);

      IndexStart repaired = run(settings);
      assertThat(repaired.fromStateDirectory()).as("the start saved a whole index again").isTrue();
      assertThat(log.catchUp()).hasSize(20);
    }
  }

  @Test
  void aSecondProducerOnTheSameStateDirectoryIsRefused(TestCluster cluster) throws Exception {
    write(tree.resolve("file"), "x");
    ProducerSettings settings = Fixtures.settings(cluster, "mine", tree).withStateDirectory(state);
    try (FileProducer running = FileProducer.start(settings, new SimpleMeterRegistry())) {
      assertThatThrownBy(() -> FileProducer.start(settings, new SimpleMeterRegistry()))
          .isInstanceOfSatisfying(ProducerException.class, e -> assertThat(e.isConfiguration()).isTrue())
          .hasMessageContaining("state directory " + state + " is in use by another producer")
          .hasMessageContaining("--state-dir");
      assertThat(running.failure()).isNull();
    }
  }

  /** The events topic as the producer makes it, made before it, so the log can read it from the start. */
  private static void createTopic(TestCluster cluster, String topic) throws Exception {
    try (org.apache.kafka.clients.admin.Admin admin = org.apache.kafka.clients.admin.Admin.create(cluster.clientConfig())) {
      admin.createTopics(List.of(new org.apache.kafka.clients.admin.NewTopic(topic, 3, (short) 1))).all().get(30, java.util.concurrent.TimeUnit.SECONDS);
    }
  }

  /** Starts the producer, waits until it is idle, stops it. */
  private static IndexStart run(ProducerSettings settings) {
    try (FileProducer producer = FileProducer.start(settings, new SimpleMeterRegistry())) {
      ProducerIT.awaitIdle(producer);
      return producer.indexStart();
    }
  }
}
