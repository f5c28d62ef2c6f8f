package io.hashstream.nativeio;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PathIdentityTest {
  @TempDir Path directory;

  @Test
  void isTheDeviceAndInodeStatReportsFollowingLinks() throws Exception {
    Path root = Files.createDirectories(directory.resolve("root"));
    Path link = Files.createSymbolicLink(directory.resolve("link"), root);
    try (PathIdentity direct = PathIdentity.of(root).orElseThrow();
        PathIdentity linked = PathIdentity.of(link).orElseThrow()) {
      FileState.Identity expected =
          new FileState.Identity(
              ((Number) Files.getAttribute(root, "unix:dev")).longValue(),
              ((Number) Files.getAttribute(root, "unix:ino")).longValue());
      assertThat(direct.current()).isEqualTo(expected);
      assertThat(linked.current()).as("the link is followed, as stat does").isEqualTo(expected);
    }
  }

  @Test
  void seesADirectoryReplacedUnderThePath() throws Exception {
    Path root = Files.createDirectories(directory.resolve("root"));
    try (PathIdentity identity = PathIdentity.of(root).orElseThrow()) {
      FileState.Identity before = identity.current();
      Files.move(root, directory.resolve("moved away"));
      Files.createDirectory(root);
      assertThat(identity.current()).isNotEqualTo(before);
    }
  }

  @Test
  void aMissingPathIsNoSuchFileAndAFileOnTheWayIsNotADirectory() throws Exception {
    Path file = Files.writeString(directory.resolve("file"), "x");
    try (PathIdentity missing = PathIdentity.of(directory.resolve("missing")).orElseThrow();
        PathIdentity through = PathIdentity.of(file.resolve("below")).orElseThrow()) {
      assertThatThrownBy(missing::current).isInstanceOf(NoSuchFileException.class).hasMessageContaining("missing");
      assertThatThrownBy(through::current).isInstanceOf(NotDirectoryException.class);
    }
  }

  @Test
  void answersManyThreadsAtOnceAndClosesOnce() throws Exception {
    Path root = Files.createDirectories(directory.resolve("root"));
    PathIdentity identity = PathIdentity.of(root).orElseThrow();
    FileState.Identity expected = identity.current();
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Callable<Boolean>> tasks = new ArrayList<>();
      for (int i = 0; i < 4; i++) {
        tasks.add(
            () -> {
              for (int j = 0; j < 2_000; j++) {
                if (!identity.current().equals(expected)) {
                  return false;
                }
              }
              return true;
            });
      }
      for (Future<Boolean> result : pool.invokeAll(tasks)) {
        assertThat(result.get()).isTrue();
      }
    } finally {
      pool.shutdown();
    }
    identity.close();
    identity.close();
  }
}
