package io.hashstream.producer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.hashstream.testsupport.SharedRuntime;
import io.hashstream.testsupport.TestCluster;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The producer's promise, property style: after any sequence of changes under a root, the events
 * topic eventually carries the current state of every file. Seeded random sequences of creates,
 * writes that change a file's size and writes that keep it, deletes, renames and directory moves,
 * as fast as the test can make them; then each path's newest event must say what {@code lstat}
 * says (size, modification time and status change time), so a lost same-size change fails too.
 *
 * <p>No reconciliation may run meanwhile: a full scan would repair a lost watcher event before the
 * check and hide it. What the watcher itself rescans (a directory after an overflow, a new
 * directory) is its normal way and is only reported.
 */
@ExtendWith(SharedRuntime.class)
class EventualStateIT {
  private static final String[] NAMES = {"a", "b", "c d", "ü名", "-x", "e.txt", "f.bin"};
  private static final String RESCANS = "hashstream.producer.rescans";
  /** Far beyond the test's run: neither the periodic nor the after-burst reconciliation comes. */
  private static final Duration NEVER = Duration.ofHours(1);

  @TempDir Path tree;
  @TempDir Path outside;
  private int sameSizeRewrites;
  private int restoredModificationTimes;

  @ParameterizedTest(name = "seed {0}")
  @ValueSource(longs = {7, 1234, 20261125, 99, 5})
  void theTopicEndsUpWithTheTreesState(long seed, TestCluster cluster) throws Exception {
    Random random = new Random(seed);
    ProducerSettings settings =
        Fixtures.settings(cluster, "demo", tree)
            .withTiming(Fixtures.FAST.withReconcileInterval(NEVER).withReconcileAfterBurst(NEVER));
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    try (FileProducer producer = FileProducer.start(settings, registry);
        EventLog log = new EventLog(cluster, settings.eventsTopic())) {
      for (int step = 0; step < 1500; step++) {
        operate(random);
      }
      Map<String, Fixtures.FileStat> afterTheBurst = Fixtures.lstats(tree);
      assertThat(afterTheBurst).as("files left by the burst").isNotEmpty();
      awaitTheTopicShows(afterTheBurst, log);
      // The burst ends before the producer has published much of it, so its same-size rewrites
      // mostly fall on states never published. Now every file's state is on the topic: a rewrite
      // of each that keeps its size must come out as an event of its own.
      for (String path : new TreeSet<>(afterTheBurst.keySet())) {
        rewriteKeepingTheSize(tree.resolve(path), random);
      }
      Map<String, Fixtures.FileStat> expected = Fixtures.lstats(tree);
      awaitTheTopicShows(expected, log);
      ProducerIT.awaitIdle(producer);
      log.catchUp();
      assertThat(log.existingStats()).containsExactlyInAnyOrderEntriesOf(expected);
      ProducerIT.assertSequencesIncrease(log.events());
      System.out.printf(
          "seed %d: %d files at the end, each rewritten at its size once published; %d same-size"
              + " rewrites in all (%d with the mtime put back);"
              + " %.0f overflows, rescans: %.0f after an overflow, %.0f of a new directory,"
              + " %.0f reconciliations%n",
          seed,
          expected.size(),
          sameSizeRewrites,
          restoredModificationTimes,
          registry.counter("hashstream.producer.overflows").count(),
          rescans(registry, "overflow"),
          rescans(registry, "new-directory"),
          rescans(registry, "reconciliation"));
      // The table matched without one: the watcher and its own rescans lost nothing.
      assertThat(rescans(registry, "reconciliation")).as("reconciliations").isZero();
    }
  }

  /**
   * Waits until each path's newest event says what {@code lstat} says of the file, and no other
   * path's says it exists.
   */
  private static void awaitTheTopicShows(Map<String, Fixtures.FileStat> expected, EventLog log) {
    await()
        .atMost(Duration.ofSeconds(90))
        .pollInSameThread()
        .pollInterval(Duration.ofMillis(250))
        .untilAsserted(() -> {
          log.poll();
          // Lists only the paths that differ, not two tables of hundreds of files.
          assertThat(log.existingStats()).containsExactlyInAnyOrderEntriesOf(expected);
        });
  }

  private static double rescans(SimpleMeterRegistry registry, String reason) {
    return registry.counter(RESCANS, "reason", reason).count();
  }

  private void operate(Random random) throws IOException {
    List<Path> directories = directories();
    Path directory = directories.get(random.nextInt(directories.size()));
    Path target = directory.resolve(NAMES[random.nextInt(NAMES.length)]);
    int choice = random.nextInt(100);
    if (choice < 50) {
      // Two writes in five keep an existing file's size; the rest create a file or rewrite it at
      // a random size, so files are created as often as before the same-size rewrites came.
      if (choice >= 30 && Files.isRegularFile(target, LinkOption.NOFOLLOW_LINKS)) {
        rewriteKeepingTheSize(target, random);
      } else if (!Files.isDirectory(target)) {
        Files.write(target, bytes(random, random.nextInt(50)));
      }
    } else if (choice < 62) {
      if (!Files.exists(target)) {
        Files.createDirectories(target);
      }
    } else if (choice < 72) {
      if (Files.isRegularFile(target)) {
        Files.delete(target);
      }
    } else if (choice < 84) {
      Path to = directory.resolve(NAMES[random.nextInt(NAMES.length)]);
      if (Files.exists(target) && !Files.exists(to) && !to.startsWith(target)) {
        Files.move(target, to);
      }
    } else if (choice < 86) {
      if (!directory.equals(tree)) {
        deleteTree(directory);
      }
    } else if (choice < 91) {
      if (!directory.equals(tree)) {
        Path away = outside.resolve("moved-" + random.nextInt(1_000_000));
        Files.move(directory, away);
        if (random.nextBoolean()) {
          // ... and back in, somewhere else.
          Path back = tree.resolve("back-" + random.nextInt(1_000_000));
          Files.move(away, back);
        }
      }
    } else if (Files.isRegularFile(target)) {
      Files.write(target, bytes(random, random.nextInt(50)), StandardOpenOption.APPEND);
    }
  }

  /**
   * Other bytes of the same length: only the times show the change. Half the time the modification
   * time is put back as well (as {@code tar -x} or {@code touch -r} do), and only the status change
   * time shows it.
   */
  private void rewriteKeepingTheSize(Path file, Random random) throws IOException {
    byte[] before = Files.readAllBytes(file);
    byte[] after = bytes(random, before.length);
    if (after.length > 0 && Arrays.equals(after, before)) {
      after[0] ^= 1; // the same bytes by chance: the content must change all the same
    }
    boolean restore = random.nextBoolean();
    FileTime modified = Files.getLastModifiedTime(file, LinkOption.NOFOLLOW_LINKS);
    Files.write(file, after);
    sameSizeRewrites++;
    if (restore) {
      Files.setLastModifiedTime(file, modified);
      restoredModificationTimes++;
    }
  }

  private static byte[] bytes(Random random, int length) {
    byte[] bytes = new byte[length];
    random.nextBytes(bytes);
    return bytes;
  }

  private List<Path> directories() throws IOException {
    try (Stream<Path> paths = Files.walk(tree)) {
      return new ArrayList<>(paths.filter(Files::isDirectory).toList());
    }
  }

  private static void deleteTree(Path directory) throws IOException {
    try (Stream<Path> paths = Files.walk(directory)) {
      for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(path);
      }
    }
  }
}
