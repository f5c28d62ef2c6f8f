package io.hashstream.producer;

import static io.hashstream.producer.Fixtures.write;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.hashstream.schemas.avro.ChangeKind;
import io.hashstream.schemas.avro.FileChangeEvent;
import io.hashstream.testsupport.SharedRuntime;
import io.hashstream.testsupport.TestCluster;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The safety net for what a root's identity cannot tell: most of a root's files gone at once (a
 * directory that vanished, a scan that finds them missing) is held, not published, until the files
 * reappear or the operator confirms the deletes; the kernel's one-by-one deletes (an {@code rm -rf})
 * are published as always.
 */
@ExtendWith(SharedRuntime.class)
class DeleteThresholdIT {
  private static final Duration DEADLINE = Duration.ofSeconds(60);
  private static final int FILES = 6;

  @TempDir Path tree;
  @TempDir Path outside;

  @Test
  void mostOfARootGoneAtOnceIsHeldUntilItReappearsOrIsConfirmed(TestCluster cluster) throws Exception {
    for (int i = 0; i < FILES; i++) {
      write(tree.resolve("data/f" + i), "file " + i);
    }
    write(tree.resolve("kept.txt"), "stays");
    ProducerSettings settings = Fixtures.settings(cluster, "v", tree).withDeleteThreshold(3);
    try (FileProducer producer = FileProducer.start(settings, new SimpleMeterRegistry());
        EventLog log = new EventLog(cluster, settings.eventsTopic())) {
      ProducerIT.awaitIdle(producer);
      assertThat(log.catchUp()).hasSize(FILES + 1);

      // A directory that leaves at once (moved out, or a nested volume unmounted): held.
      Files.move(tree.resolve("data"), outside.resolve("data"));
      await().atMost(DEADLINE).until(() -> producer.heldDeletes().getOrDefault("v", 0) == FILES);
      ProducerIT.awaitIdle(producer);
      assertThat(log.catchUp()).as("nothing published for the held deletes").hasSize(FILES + 1);

      // It comes back: nothing to publish, nothing held.
      Files.move(outside.resolve("data"), tree.resolve("data"));
      producer.reconcile();
      await().atMost(DEADLINE).until(() -> producer.heldDeletes().isEmpty());
      ProducerIT.awaitIdle(producer);
      assertThat(log.catchUp()).hasSize(FILES + 1);

      // It leaves again, and the operator says it is real: published, once each.
      Files.move(tree.resolve("data"), outside.resolve("data-again"));
      await().atMost(DEADLINE).until(() -> producer.heldDeletes().getOrDefault("v", 0) == FILES);
      producer.confirmDeletes("v");
      await().atMost(DEADLINE).until(() -> log.catchUp().size() == 2 * FILES + 1);
      List<FileChangeEvent> confirmed = log.events().subList(FILES + 1, 2 * FILES + 1);
      assertThat(confirmed).allMatch(event -> event.getKind() == ChangeKind.DELETED);
      assertThat(confirmed).extracting(FileChangeEvent::getPath).doesNotHaveDuplicates().allMatch(p -> p.startsWith("data/"));
      assertThat(producer.heldDeletes()).isEmpty();
      assertThat(producer.failure()).isNull();
    }
  }

  @Test
  void filesDeletedOneByOneArePublishedWhateverTheirNumber(TestCluster cluster) throws Exception {
    for (int i = 0; i < FILES; i++) {
      write(tree.resolve("data/f" + i), "file " + i);
    }
    ProducerSettings settings = Fixtures.settings(cluster, "v", tree).withDeleteThreshold(3);
    try (FileProducer producer = FileProducer.start(settings, new SimpleMeterRegistry());
        EventLog log = new EventLog(cluster, settings.eventsTopic())) {
      ProducerIT.awaitIdle(producer);
      assertThat(log.catchUp()).hasSize(FILES);

      // Deleted one at a time, each seen by the kernel's own event before the next: more than the
      // threshold in all, none held. (An rm -rf as fast as it goes can remove the directory before
      // the JDK watcher delivers its files' deletes; then the vanished directory's files are gone
      // at once and held, as the README says: issue 19's inotify source orders them.)
      List<Path> files;
      try (Stream<Path> paths = Files.list(tree.resolve("data"))) {
        files = paths.sorted().toList();
      }
      for (int i = 0; i < files.size(); i++) {
        Files.delete(files.get(i));
        int published = FILES + i + 1;
        await().atMost(DEADLINE).until(() -> log.catchUp().size() == published);
      }
      Files.delete(tree.resolve("data"));
      await().atMost(DEADLINE).until(() -> log.catchUp().size() == 2 * FILES);
      assertThat(log.events().subList(FILES, 2 * FILES)).allMatch(event -> event.getKind() == ChangeKind.DELETED);
      assertThat(producer.heldDeletes()).isEmpty();
    }
  }
}
