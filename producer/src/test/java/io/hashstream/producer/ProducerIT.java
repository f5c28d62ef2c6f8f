package io.hashstream.producer;

import static io.hashstream.producer.Fixtures.write;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.hashstream.schemas.avro.ChangeKind;
import io.hashstream.schemas.avro.FileChangeEvent;
import io.hashstream.testsupport.SharedRuntime;
import io.hashstream.testsupport.TestCluster;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** The producer against the real local broker and registry: what a user sees on the topic. */
@ExtendWith(SharedRuntime.class)
class ProducerIT {
  private static final Duration WAIT = Duration.ofSeconds(60);

  @TempDir Path tree;

  @Test
  void publishesExistingFilesThenCreatesModificationsAndDeletesWithHostileNames(TestCluster cluster)
      throws Exception {
    write(tree.resolve("old/existing.txt"), "was here before");
    ProducerSettings settings = Fixtures.settings(cluster, "demo", tree);
    try (FileProducer producer = FileProducer.start(settings, new SimpleMeterRegistry());
        EventLog log = new EventLog(cluster, settings.eventsTopic())) {
      awaitEvent(log, "old/existing.txt", e -> e.getKind() == ChangeKind.FOUND);

      List<String> names =
          List.of(
              "with space.txt",
              "ünïcødé-名前.txt",
              "-leading-dash",
              "--double-dash.txt",
              "deep/er/and/deeper/nested file.bin");
      for (String name : names) {
        write(tree.resolve(name), "content of " + name);
      }
      for (String name : names) {
        FileChangeEvent event = awaitEvent(log, name, e -> e.getKind() != ChangeKind.DELETED);
        assertThat(event.getKind()).isIn(ChangeKind.CREATED, ChangeKind.FOUND);
        assertThat(event.getSize()).isEqualTo(("content of " + name).getBytes(StandardCharsets.UTF_8).length);
        assertThat(event.getRoot()).isEqualTo("demo");
        assertThat(event.getProducerId()).isEqualTo("test-producer");
        assertThat(event.getModified()).isNotNull();
        assertThat(event.getFileIdentity()).isNotNull();
      }
      assertThat(log.keys()).contains("demo/with space.txt", "demo/-leading-dash");

      write(tree.resolve("with space.txt"), "a longer content than before");
      FileChangeEvent modified = awaitEvent(log, "with space.txt", e -> e.getKind() == ChangeKind.MODIFIED);
      assertThat(modified.getSize()).isEqualTo(28);

      Files.delete(tree.resolve("ünïcødé-名前.txt"));
      FileChangeEvent deleted = awaitEvent(log, "ünïcødé-名前.txt", e -> e.getKind() == ChangeKind.DELETED);
      assertThat(deleted.getSize()).isNull();
      assertThat(deleted.getModified()).isNull();
      assertThat(deleted.getFileIdentity()).isNull();

      awaitIdle(producer);
      assertSequencesIncrease(log.poll());
    }
  }

  @Test
  void everyFileOfAFreshDirectoryChainGetsAnEvent(TestCluster cluster) throws Exception {
    ProducerSettings settings = Fixtures.settings(cluster, "demo", tree);
    try (FileProducer producer = FileProducer.start(settings, new SimpleMeterRegistry());
        EventLog log = new EventLog(cluster, settings.eventsTopic())) {
      awaitIdle(producer);
      for (int round = 0; round < 5; round++) {
        Path a = tree.resolve("r" + round + "/a");
        Files.createDirectories(a.resolve("b/c"));
        write(a.resolve("in-a.txt"), "a");
        write(a.resolve("b/in-b.txt"), "b");
        write(a.resolve("b/c/in-c.txt"), "c");
        write(tree.resolve("r" + round + "/in-r.txt"), "r");
      }
      await().atMost(WAIT).pollInSameThread().until(() -> {
        log.poll();
        return log.existing().keySet().containsAll(expectedChain());
      });
    }
  }

  /**
   * The racy case: a file looked at within one tick of its last change is published once more, so
   * a same-size rewrite in that tick is hashed; once only, even for a time that stays within the
   * tick at every look (a modification time in the future).
   */
  @Test
  void aFileLookedAtWithinATickOfItsLastChangeIsPublishedOnceMore(TestCluster cluster) throws Exception {
    ProducerSettings settings = Fixtures.settings(cluster, "demo", tree);
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    try (FileProducer producer = FileProducer.start(settings, registry);
        EventLog log = new EventLog(cluster, settings.eventsTopic())) {
      awaitIdle(producer);
      Path file = write(tree.resolve("ahead.txt"), "stamped an hour ahead");
      Files.setLastModifiedTime(file, java.nio.file.attribute.FileTime.from(java.time.Instant.now().plusSeconds(3600)));
      await().atMost(WAIT).until(() -> log.catchUp().size() >= 2);
      awaitIdle(producer);
      List<FileChangeEvent> events = log.catchUp();
      assertThat(events).hasSize(2).extracting(FileChangeEvent::getPath).containsOnly("ahead.txt");
      assertThat(events.get(1).getModified()).isEqualTo(events.get(0).getModified());
      assertThat(events.get(1).getSize()).isEqualTo(events.get(0).getSize());
      assertThat(registry.get("hashstream.producer.events.racy").counter().count()).isEqualTo(2);
    }
  }

  private static List<String> expectedChain() {
    List<String> paths = new java.util.ArrayList<>();
    for (int round = 0; round < 5; round++) {
      paths.add("r" + round + "/a/in-a.txt");
      paths.add("r" + round + "/a/b/in-b.txt");
      paths.add("r" + round + "/a/b/c/in-c.txt");
      paths.add("r" + round + "/in-r.txt");
    }
    return paths;
  }

  @Test
  void renamesArriveAsDeleteAndCreateAndAMovedOutDirectoryRetiresItsSubtree(
      TestCluster cluster, @TempDir Path outside) throws Exception {
    write(tree.resolve("file.txt"), "file");
    write(tree.resolve("dir/one.txt"), "1");
    write(tree.resolve("dir/sub/two.txt"), "2");
    write(tree.resolve("leaving/three.txt"), "3");
    write(tree.resolve("leaving/sub/four.txt"), "4");
    ProducerSettings settings = Fixtures.settings(cluster, "demo", tree);
    try (FileProducer producer = FileProducer.start(settings, new SimpleMeterRegistry());
        EventLog log = new EventLog(cluster, settings.eventsTopic())) {
      await().atMost(WAIT).pollInSameThread().until(() -> {
        log.poll();
        return log.existing().size() == 5;
      });

      Files.move(tree.resolve("file.txt"), tree.resolve("renamed.txt"));
      Files.move(tree.resolve("dir"), tree.resolve("moved"));
      Files.move(tree.resolve("leaving"), outside.resolve("left"));

      await().atMost(WAIT).pollInSameThread().until(() -> {
        log.poll();
        return log.existing().keySet().equals(java.util.Set.of("renamed.txt", "moved/one.txt", "moved/sub/two.txt"));
      });
      for (String gone : List.of("file.txt", "dir/one.txt", "dir/sub/two.txt", "leaving/three.txt", "leaving/sub/four.txt")) {
        assertThat(log.of(gone).getLast().getKind()).as(gone).isEqualTo(ChangeKind.DELETED);
      }

      // The moved-out directory is no longer watched: changes in it are not published.
      write(outside.resolve("left/new-outside.txt"), "x");
      write(tree.resolve("moved/sub/after-move.txt"), "y");
      awaitEvent(log, "moved/sub/after-move.txt", e -> e.getKind() == ChangeKind.CREATED);
      awaitIdle(producer);
      log.poll();
      assertThat(log.events()).noneMatch(e -> e.getPath().contains("new-outside"));
    }
  }

  @Test
  void aWriterThatAppendsForThreeSecondsGetsOneEventOnceItSettles(TestCluster cluster) throws Exception {
    ProducerSettings settings =
        Fixtures.settings(cluster, "demo", tree).withTiming(Timing.DEFAULT.withReconcileAfterBurst(Duration.ofSeconds(1)));
    try (FileProducer producer = FileProducer.start(settings, new SimpleMeterRegistry());
        EventLog log = new EventLog(cluster, settings.eventsTopic())) {
      awaitIdle(producer);
      Path file = tree.resolve("growing.log");
      AtomicInteger appends = new AtomicInteger();
      // A steady writer: an append every 50 ms for 3 s, paced by a scheduler.
      ScheduledExecutorService writer = Executors.newSingleThreadScheduledExecutor();
      try (OutputStream out = Files.newOutputStream(file, StandardOpenOption.CREATE_NEW)) {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
        ScheduledFuture<?> task =
            writer.scheduleAtFixedRate(
                () -> {
                  if (System.nanoTime() - end >= 0) {
                    throw new CancellationException("done");
                  }
                  try {
                    out.write(("line " + appends.getAndIncrement() + "\n").getBytes(StandardCharsets.UTF_8));
                    out.flush();
                  } catch (IOException e) {
                    throw new UncheckedIOException(e);
                  }
                },
                0,
                50,
                TimeUnit.MILLISECONDS);
        await().atMost(Duration.ofSeconds(10)).until(task::isDone);
      } finally {
        writer.shutdownNow();
      }
      long size = Files.size(file);
      FileChangeEvent event = awaitEvent(log, "growing.log", e -> true);
      awaitIdle(producer);
      log.poll();
      assertThat(appends.get()).isGreaterThan(30);
      assertThat(log.of("growing.log")).hasSize(1);
      assertThat(event.getSize()).isEqualTo(size);
    }
  }

  @Test
  void excludedFilesGetNoEvent(TestCluster cluster) throws Exception {
    write(tree.resolve("before.tmp"), "excluded by default");
    ProducerSettings base = Fixtures.settings(cluster, "demo", tree);
    WatchedRoot root =
        base.roots().getFirst()
            .withGlobs(List.of(), List.of("*.tmp", ".*.swp", "*~", "build", "logs/**.log"));
    ProducerSettings settings = base.withRoots(List.of(root));
    try (FileProducer producer = FileProducer.start(settings, new SimpleMeterRegistry());
        EventLog log = new EventLog(cluster, settings.eventsTopic())) {
      write(tree.resolve("notes.txt.tmp"), "x");
      write(tree.resolve(".notes.txt.swp"), "x");
      write(tree.resolve("notes.txt~"), "x");
      write(tree.resolve("build/output.bin"), "x");
      write(tree.resolve("logs/a/b.log"), "x");
      write(tree.resolve("logs/a/b.txt"), "kept");
      write(tree.resolve("notes.txt"), "kept");
      awaitEvent(log, "notes.txt", e -> true);
      awaitEvent(log, "logs/a/b.txt", e -> true);
      awaitIdle(producer);
      log.poll();
      assertThat(log.latest().keySet()).containsExactlyInAnyOrder("notes.txt", "logs/a/b.txt");
    }
  }

  @Test
  void linksAndFifosAreReportedAsThemselvesAndNeverFollowed(TestCluster cluster, @TempDir Path elsewhere)
      throws Exception {
    write(elsewhere.resolve("target/inside.txt"), "not under the root");
    ProducerSettings settings = Fixtures.settings(cluster, "demo", tree);
    try (FileProducer producer = FileProducer.start(settings, new SimpleMeterRegistry());
        EventLog log = new EventLog(cluster, settings.eventsTopic())) {
      awaitIdle(producer);
      Files.createSymbolicLink(tree.resolve("link-to-dir"), elsewhere.resolve("target"));
      Files.createSymbolicLink(tree.resolve("dangling"), elsewhere.resolve("nothing"));
      Process mkfifo = new ProcessBuilder("mkfifo", tree.resolve("fifo").toString()).start();
      assertThat(mkfifo.waitFor(10, TimeUnit.SECONDS)).isTrue();
      awaitEvent(log, "link-to-dir", e -> true);
      awaitEvent(log, "dangling", e -> true);
      awaitEvent(log, "fifo", e -> true);
      awaitIdle(producer);
      log.poll();
      assertThat(log.events()).noneMatch(e -> e.getPath().contains("inside.txt"));
    }
  }

  @Test
  void anExistingEventsTopicKeepsItsPartitionCount(TestCluster cluster) throws Exception {
    ProducerSettings settings = Fixtures.settings(cluster, "demo", tree).withPartitions(12);
    try (Admin admin = Admin.create(cluster.clientConfig())) {
      admin.createTopics(List.of(new NewTopic(settings.eventsTopic(), 2, (short) 1))).all().get(30, TimeUnit.SECONDS);
      try (FileProducer producer = FileProducer.start(settings, new SimpleMeterRegistry())) {
        assertThat(producer.eventsTopicPartitions()).isEqualTo(2);
      }
      var description =
          admin.describeTopics(List.of(settings.eventsTopic())).allTopicNames().get(30, TimeUnit.SECONDS)
              .get(settings.eventsTopic());
      assertThat(description).isNotNull();
      int partitions = java.util.Objects.requireNonNull(description).partitions().size();
      assertThat(partitions).isEqualTo(2);
    }
  }

  @Test
  void aMissingEventsTopicIsCreatedWithTheAskedPartitions(TestCluster cluster) throws Exception {
    ProducerSettings settings = Fixtures.settings(cluster, "demo", tree).withPartitions(5);
    try (FileProducer producer = FileProducer.start(settings, new SimpleMeterRegistry());
        Admin admin = Admin.create(cluster.clientConfig())) {
      assertThat(producer.eventsTopicPartitions()).isEqualTo(5);
      Map<String, String> configs = new java.util.HashMap<>();
      var resource = new org.apache.kafka.common.config.ConfigResource(
          org.apache.kafka.common.config.ConfigResource.Type.TOPIC, settings.eventsTopic());
      var config = admin.describeConfigs(List.of(resource)).all().get(30, TimeUnit.SECONDS).get(resource);
      java.util.Objects.requireNonNull(config).entries().forEach(entry -> configs.put(entry.name(), entry.value()));
      assertThat(configs).containsEntry("retention.ms", Long.toString(Duration.ofDays(7).toMillis()));
    }
  }

  static FileChangeEvent awaitEvent(EventLog log, String path, Predicate<FileChangeEvent> matching) {
    await()
        .atMost(WAIT)
        .pollInSameThread()
        .pollInterval(Duration.ofMillis(50))
        .until(() -> {
          log.poll();
          List<FileChangeEvent> events = log.of(path);
          return !events.isEmpty() && matching.test(events.getLast());
        });
    return log.of(path).getLast();
  }

  /** Waits until nothing is pending and nothing in flight, steadily for two seconds. */
  static void awaitIdle(FileProducer producer) {
    await()
        .atMost(WAIT)
        .during(Duration.ofSeconds(2))
        .pollInterval(Duration.ofMillis(100))
        .until(() -> producer.progress().idle());
  }

  /** Per root, (epoch, sequence) strictly increases in the order events were written per key. */
  static void assertSequencesIncrease(List<FileChangeEvent> events) {
    Map<String, Long> last = new java.util.HashMap<>();
    for (FileChangeEvent event : events) {
      Long previous = last.put(event.getPath(), event.getSequence());
      if (previous != null) {
        assertThat(event.getSequence()).as(event.getPath()).isGreaterThan(previous);
      }
    }
    assertThat(events.stream().map(FileChangeEvent::getSequence).distinct().count()).isEqualTo(events.size());
  }

}
