package io.hashstream.nativeio;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RootDirectoryTest {
  @TempDir Path temp;
  private Path directory;

  @BeforeEach
  void directory() throws IOException {
    directory = Files.createDirectories(temp.resolve("root")).toRealPath();
  }

  @Test
  void closingWhileAnOpenRunsKeepsTheDescriptorUntilTheOpenEnds() throws Exception {
    assumeThat(LinuxSupport.unavailable()).as("the native opener runs here").isEmpty();
    RootDirectory root = RootDirectory.open(directory);
    int fd = root.acquire();
    assertThat(descriptorTarget(fd)).hasValue(directory);

    root.close();

    assertThat(descriptorTarget(fd)).as("still open: an open is running").hasValue(directory);
    assertThatThrownBy(root::acquire).isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
    root.release();
    assertThat(descriptorTarget(fd)).as("closed by the last open").isNotEqualTo(Optional.of(directory));
    root.close();
  }

  @Test
  void closingAnIdleRootClosesItsDescriptorAtOnce() throws Exception {
    assumeThat(LinuxSupport.unavailable()).as("the native opener runs here").isEmpty();
    RootDirectory root = RootDirectory.open(directory);
    int fd = root.acquire();
    root.release();

    root.close();

    assertThat(descriptorTarget(fd)).isNotEqualTo(Optional.of(directory));
  }

  @Test
  void aRootThatIsNotADirectoryCannotBeOpened() throws Exception {
    assumeThat(LinuxSupport.unavailable()).as("the native opener runs here").isEmpty();
    Path file = Files.writeString(temp.resolve("file"), "x");

    assertThatThrownBy(() -> RootDirectory.open(temp.resolve("missing")))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("cannot be opened")
        .hasMessageContaining("ENOENT");
    assertThatThrownBy(() -> RootDirectory.open(file))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("ENOTDIR");
  }

  @Test
  void aRootIsAnAbsoluteRealPath() {
    assertThatThrownBy(() -> RootDirectory.open(Path.of("relative")))
        .isInstanceOf(IllegalArgumentException.class);
  }

  /** Where {@code /proc/self/fd/N} leads: empty if no such descriptor is open. */
  private static Optional<Path> descriptorTarget(int fd) throws IOException {
    try {
      return Optional.of(Files.readSymbolicLink(Path.of("/proc/self/fd/" + fd)));
    } catch (NoSuchFileException e) {
      return Optional.empty();
    }
  }
}
