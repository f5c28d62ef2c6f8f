package io.hashstream.producer;

import io.hashstream.testsupport.TestCluster;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;

/** Settings and trees for the producer's tests. */
final class Fixtures {
  private Fixtures() {}

  /** Fast timing for tests: short settle, quick reconciliation after a burst. */
  static final Timing FAST =
      new Timing(Duration.ofMillis(300), Duration.ofSeconds(20), Duration.ofMinutes(10), Duration.ofSeconds(1));

  /** Settings for one root on the shared cluster, with topics of the test's own. */
  static ProducerSettings settings(TestCluster cluster, String root, Path directory) {
    String unique = UUID.randomUUID().toString().substring(0, 8);
    return ProducerSettings.of(
            "test-producer",
            List.of(WatchedRoot.of(root, directory)),
            KafkaSettings.of(cluster.bootstrapServers(), cluster.schemaRegistryUrl()))
        .withTopics("events-" + unique, "hashes-" + unique)
        .withPartitions(3)
        .withTiming(FAST);
  }

  static Path write(Path file, String content) throws IOException {
    Path parent = file.getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
    return Files.writeString(file, content, StandardCharsets.UTF_8);
  }

  /** Every file under {@code root} (anything but a directory), relative with '/', and its size. */
  static Map<String, Long> tree(Path root) throws IOException {
    Map<String, Long> files = new HashMap<>();
    try (Stream<Path> paths = Files.walk(root)) {
      for (Path path : paths.toList()) {
        if (!Files.isDirectory(path, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
          String relative = root.relativize(path).toString();
          files.put(relative, Files.readAttributes(path, java.nio.file.attribute.BasicFileAttributes.class, java.nio.file.LinkOption.NOFOLLOW_LINKS).size());
        }
      }
    }
    return files;
  }
}
