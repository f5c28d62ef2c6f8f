package io.hashstream.producer;

import io.hashstream.schemas.avro.FileChangeEvent;
import io.hashstream.testsupport.TestCluster;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;

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
    lstats(root).forEach((path, stat) -> files.put(path, Objects.requireNonNull(stat.size())));
    return files;
  }

  /**
   * Every file under {@code root} (anything but a directory), relative with '/', and what {@code
   * lstat} says of it: the fields by which the producer decides that a path changed.
   */
  static Map<String, FileStat> lstats(Path root) throws IOException {
    Map<String, FileStat> files = new HashMap<>();
    try (Stream<Path> paths = Files.walk(root)) {
      for (Path path : paths.toList()) {
        if (!Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS)) {
          // One call, so the three fields come from one lstat.
          Map<String, Object> unix =
              Files.readAttributes(path, "unix:size,lastModifiedTime,ctime", LinkOption.NOFOLLOW_LINKS);
          files.put(
              root.relativize(path).toString(),
              new FileStat(
                  attribute(unix, "size", Long.class),
                  attribute(unix, "lastModifiedTime", FileTime.class).toInstant(),
                  attribute(unix, "ctime", FileTime.class).toInstant()));
        }
      }
    }
    return files;
  }

  private static <T> T attribute(Map<String, Object> attributes, String name, Class<T> type) {
    return type.cast(Objects.requireNonNull(attributes.get(name), name));
  }

  /**
   * A file's size, modification time and status change time (nanoseconds), as {@code lstat} gives
   * them or as an event carries them (then any may be null).
   */
  record FileStat(@Nullable Long size, @Nullable Instant modified, @Nullable Instant changed) {
    static FileStat of(FileChangeEvent event) {
      return new FileStat(event.getSize(), event.getModified(), event.getStatusChanged());
    }
  }
}
