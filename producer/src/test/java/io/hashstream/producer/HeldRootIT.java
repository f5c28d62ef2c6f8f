package io.hashstream.producer;

import static io.hashstream.producer.Fixtures.write;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.hashstream.schemas.avro.ChangeKind;
import io.hashstream.schemas.avro.FileChangeEvent;
import io.hashstream.testsupport.LoopVolume;
import io.hashstream.testsupport.SharedRuntime;
import io.hashstream.testsupport.TestCluster;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * An unmounted disk is not a mass delete: a root on a loop-mounted ext4 volume, unmounted while the
 * producer runs ({@code umount} and {@code umount -l}) or while it is down, is held (nothing
 * published, the root named as held), and when the volume is back only what changed meanwhile is
 * published. A tmpfs cannot show this: it loses its content and its identity at every unmount.
 */
@ExtendWith(SharedRuntime.class)
class HeldRootIT {
  private static final Duration DEADLINE = Duration.ofSeconds(60);
  private static final List<String> FILES = List.of("a.txt", "b.txt", "dir/c.txt", "dir/deeper/d.txt", "e f.txt");

  @TempDir Path temp;

  @ParameterizedTest(name = "lazily: {0}")
  @ValueSource(booleans = {false, true})
  void aVolumeUnmountedWhileRunningIsHeldNotDeleted(boolean lazily, TestCluster cluster) throws Exception {
    LoopVolume.assumeRoot();
    Path mountpoint = Files.createDirectories(temp.resolve("mnt"));
    ProducerSettings settings = settings(cluster, mountpoint);
    try (LoopVolume volume = volumeWithFiles(mountpoint);
        FileProducer producer = FileProducer.start(settings, new SimpleMeterRegistry());
        // After the start, which creates the topic.
        EventLog log = new EventLog(cluster, settings.eventsTopic())) {
      ProducerIT.awaitIdle(producer);
      assertThat(log.catchUp()).hasSize(FILES.size()).allMatch(event -> event.getKind() == ChangeKind.FOUND);

      if (lazily) {
        volume.unmountLazily();
      } else {
        volume.unmount();
      }
      await().atMost(DEADLINE).until(() -> producer.heldRoots().containsKey("v"));
      assertThat(producer.heldRoots().get("v")).contains("not the directory where its files were seen");
      producer.reconcile();
      ProducerIT.awaitIdle(producer);
      assertThat(log.catchUp()).as("no delete for an unmounted volume").hasSize(FILES.size());

      if (!lazily) {
        // Changed while it was away (mounted elsewhere): published once it is back.
        Path elsewhere = Files.createDirectories(temp.resolve("elsewhere"));
        volume.mount(elsewhere);
        write(elsewhere.resolve("a.txt"), "changed while away, and longer");
        volume.unmount();
      }
      volume.mount(mountpoint);
      await().atMost(DEADLINE).until(() -> producer.heldRoots().isEmpty());
      ProducerIT.awaitIdle(producer);
      List<FileChangeEvent> after = published(log, FILES.size());
      if (lazily) {
        assertThat(after).as("nothing changed while it was away").isEmpty();
      } else {
        assertThat(after).extracting(FileChangeEvent::getPath).containsExactly("a.txt");
      }
      assertThat(producer.failure()).isNull();
    }
  }

  @Test
  void aProducerStartedOnTheEmptyMountpointIsHeldUntilTheVolumeIsBack(TestCluster cluster) throws Exception {
    LoopVolume.assumeRoot();
    Path mountpoint = Files.createDirectories(temp.resolve("mnt"));
    ProducerSettings settings = settings(cluster, mountpoint);
    try (LoopVolume volume = volumeWithFiles(mountpoint)) {
      try (FileProducer producer = FileProducer.start(settings, new SimpleMeterRegistry())) {
        ProducerIT.awaitIdle(producer);
      }
      // After the first start, which creates the topic.
      try (EventLog log = new EventLog(cluster, settings.eventsTopic());
          HashTableWriter table = new HashTableWriter(cluster, settings.hashesTopic(), log)) {
        List<FileChangeEvent> first = log.catchUp();
        assertThat(first).hasSize(FILES.size());
        // The consumer hashed them all: the next start's index knows every file.
        for (FileChangeEvent event : first) {
          table.hashed(event);
        }

        volume.unmount();
        try (FileProducer producer = FileProducer.start(settings, new SimpleMeterRegistry())) {
          await().atMost(DEADLINE).until(() -> producer.heldRoots().containsKey("v"));
          ProducerIT.awaitIdle(producer);
          assertThat(published(log, FILES.size())).as("no delete for a volume that is not mounted").isEmpty();

          volume.mount(mountpoint);
          await().atMost(DEADLINE).until(() -> producer.heldRoots().isEmpty());
          ProducerIT.awaitIdle(producer);
          assertThat(published(log, FILES.size())).as("nothing changed while it was away").isEmpty();
        }
      }
    }
  }

  /** The events after the first {@code before}. */
  private static List<FileChangeEvent> published(EventLog log, int before) {
    List<FileChangeEvent> all = log.catchUp();
    return List.copyOf(all.subList(before, all.size()));
  }

  private ProducerSettings settings(TestCluster cluster, Path mountpoint) throws Exception {
    ProducerSettings base = Fixtures.settings(cluster, "v", mountpoint);
    return base.withStateDirectory(Files.createDirectories(temp.resolve("state")));
  }

  /** A fresh ext4 volume mounted at {@code mountpoint}, with {@link #FILES} on it. */
  private LoopVolume volumeWithFiles(Path mountpoint) throws Exception {
    LoopVolume volume = LoopVolume.create(temp.resolve("volume.img"), 16);
    try {
      volume.mount(mountpoint);
      for (String name : FILES) {
        write(mountpoint.resolve(name), "content of " + name);
      }
      return volume;
    } catch (Exception e) {
      volume.close();
      throw e;
    }
  }
}
