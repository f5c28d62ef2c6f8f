package io.hashstream.producer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.hashstream.testsupport.SharedRuntime;
import io.hashstream.testsupport.TestCluster;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The producer's promise, property style: after any sequence of changes under a root, the events
 * topic eventually carries the current state of every file. Seeded random sequences of creates,
 * writes, deletes, renames and directory moves, as fast as the test can make them.
 */
@ExtendWith(SharedRuntime.class)
class EventualStateIT {
  private static final String[] NAMES = {"a", "b", "c d", "ü名", "-x", "e.txt", "f.bin"};

  @TempDir Path tree;
  @TempDir Path outside;

  @ParameterizedTest(name = "seed {0}")
  @ValueSource(longs = {7, 1234, 20261125, 99, 5})
  void theTopicEndsUpWithTheTreesState(long seed, TestCluster cluster) throws Exception {
    Random random = new Random(seed);
    ProducerSettings settings = Fixtures.settings(cluster, "demo", tree);
    try (FileProducer producer = FileProducer.start(settings, new SimpleMeterRegistry());
        EventLog log = new EventLog(cluster, settings.eventsTopic())) {
      for (int step = 0; step < 1500; step++) {
        operate(random);
      }
      Map<String, Long> expected = Fixtures.tree(tree);
      System.out.println("seed " + seed + ": " + expected.size() + " files at the end");
      await()
          .atMost(Duration.ofSeconds(90))
          .pollInSameThread()
          .pollInterval(Duration.ofMillis(250))
          .untilAsserted(() -> {
            log.poll();
            assertThat(log.existing()).isEqualTo(expected);
          });
      ProducerIT.awaitIdle(producer);
      log.catchUp();
      assertThat(log.existing()).isEqualTo(expected);
      ProducerIT.assertSequencesIncrease(log.events());
    }
  }

  private void operate(Random random) throws IOException {
    List<Path> directories = directories();
    Path directory = directories.get(random.nextInt(directories.size()));
    Path target = directory.resolve(NAMES[random.nextInt(NAMES.length)]);
    int choice = random.nextInt(100);
    if (choice < 50) {
      if (!Files.isDirectory(target)) {
        Files.write(target, bytes(random));
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
      Files.write(target, bytes(random), java.nio.file.StandardOpenOption.APPEND);
    }
  }

  private static byte[] bytes(Random random) {
    return "x".repeat(random.nextInt(50)).getBytes(StandardCharsets.UTF_8);
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
