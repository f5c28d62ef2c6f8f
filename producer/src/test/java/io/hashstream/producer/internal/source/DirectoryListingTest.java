package io.hashstream.producer.internal.source;

import static org.assertj.core.api.Assertions.assertThat;

import io.hashstream.nativeio.DirectoryReader;
import io.hashstream.producer.WatchedRoot;
import io.hashstream.producer.internal.RootSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The native listing and the JDK's see the same entries in the same states. */
class DirectoryListingTest {
  @TempDir Path tree;

  @Test
  void theNativeListingIsTheJdksOnSeededRandomTrees() throws Exception {
    // The build's JVMs can read natively: otherwise both sides would be the JDK's.
    assertThat(DirectoryReader.unavailable()).isEmpty();
    for (long seed = 1; seed <= 20; seed++) {
      Random random = new Random(seed);
      Path root = Files.createDirectory(tree.resolve("t" + seed));
      List<String> directories = new ArrayList<>(List.of(""));
      for (int i = 0; i < 60; i++) {
        String parent = directories.get(random.nextInt(directories.size()));
        String name = (random.nextInt(5) == 0 ? "é" : "") + "n" + i + (random.nextInt(6) == 0 ? ".tmp" : "");
        String relative = RootSpec.child(parent, name);
        Path path = root.resolve(relative);
        switch (random.nextInt(5)) {
          case 0 -> {
            Files.createDirectory(path);
            directories.add(relative);
          }
          case 1 -> Files.createSymbolicLink(path, root.resolve("elsewhere" + i));
          default -> {
            byte[] content = new byte[random.nextInt(5000)];
            random.nextBytes(content);
            Files.write(path, content);
            // Any time, to the nanosecond, before or after 1970.
            long seconds = random.nextLong(-2_000_000_000L, 4_000_000_000L);
            Files.setLastModifiedTime(path, FileTime.from(Instant.ofEpochSecond(seconds, random.nextInt(1_000_000_000))));
          }
        }
      }
      RootSpec spec = RootSpec.of(WatchedRoot.of("r", root));
      try (DirectoryListing natively = DirectoryListing.forThisPlatform();
          DirectoryListing portably = DirectoryListing.portable()) {
        for (String directory : directories) {
          assertThat(sorted(natively.list(spec, directory)))
              .as("seed %d, directory '%s'", seed, directory)
              .isEqualTo(sorted(portably.list(spec, directory)));
        }
      }
    }
  }

  private static DirectoryListing.Result sorted(DirectoryListing.Result result) {
    if (result instanceof DirectoryListing.Result.Listed(List<ChangeSink.Listed> files, List<String> subdirectories, int unpublishable)) {
      List<ChangeSink.Listed> byName = new ArrayList<>(files);
      byName.sort(Comparator.comparing(ChangeSink.Listed::name));
      List<String> names = new ArrayList<>(subdirectories);
      names.sort(Comparator.naturalOrder());
      return new DirectoryListing.Result.Listed(byName, names, unpublishable);
    }
    return result;
  }
}
