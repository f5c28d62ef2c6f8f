package io.hashstream.nativeio;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code statfs(2)}: the struct's offsets, read against file systems whose type is known. */
class StatFsTest {
  private static final long PROC_SUPER_MAGIC = 0x9fa0;
  private static final long TMPFS_MAGIC = 0x01021994;

  @Test
  void procIsProc() {
    assertThat(StatFs.of(Path.of("/proc"))).hasValueSatisfying(info -> assertThat(info.type()).isEqualTo(PROC_SUPER_MAGIC));
  }

  @Test
  void aTmpfsIsATmpfs() {
    Path shm = Path.of("/dev/shm");
    assumeThat(Files.isDirectory(shm)).as("this machine has /dev/shm").isTrue();
    assertThat(StatFs.of(shm)).hasValueSatisfying(info -> assertThat(info.type()).isEqualTo(TMPFS_MAGIC));
  }

  @Test
  void twoPathsOfOneFileSystemHaveOneIdentity(@TempDir Path directory) throws Exception {
    Path sub = Files.createDirectories(directory.resolve("sub"));
    assertThat(StatFs.fileSystem(sub)).isPresent().isEqualTo(StatFs.fileSystem(directory));
    assertThat(StatFs.fileSystem(sub).orElseThrow()).matches("[0-9a-f]+:[0-9a-f]{16}");
  }

  @Test
  void aMissingPathHasNoAnswer(@TempDir Path directory) {
    assertThat(StatFs.of(directory.resolve("missing"))).isEmpty();
  }
}
