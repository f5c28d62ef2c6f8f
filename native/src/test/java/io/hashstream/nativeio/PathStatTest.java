package io.hashstream.nativeio;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PathStatTest {
  @TempDir Path directory;

  @Test
  void everyKindIsWhatLstatShowsAndAMissingPathIsNull() throws Exception {
    Files.writeString(directory.resolve("file"), "content");
    Files.createDirectory(directory.resolve("sub"));
    Files.createSymbolicLink(directory.resolve("link"), directory.resolve("file"));
    Path deep = Files.createDirectories(directory.resolve("d".repeat(200) + "/" + "e".repeat(200)));
    try (PathStat stat = PathStat.open().orElseThrow()) {
      for (String name : new String[] {"file", "sub", "link"}) {
        assertThat(stat.lstat(directory.resolve(name))).as(name).isEqualTo(FileStats.lstat(directory.resolve(name)).orElseThrow());
      }
      assertThat(stat.lstat(deep)).isEqualTo(FileStats.lstat(deep).orElseThrow());
      assertThat(stat.lstat(directory.resolve("missing"))).isNull();
      assertThat(stat.lstat(directory.resolve("file/under-a-file"))).isNull();
    }
  }

  @Test
  void aPathLongerThanTheKernelTakesIsAnErrorAsTheJdkSaysIt() {
    Path tooLong = directory.resolve("x".repeat(250) + "/").resolve("y".repeat(250));
    for (int i = 0; i < 17; i++) {
      tooLong = tooLong.resolve("z".repeat(250));
    }
    Path path = tooLong;
    try (PathStat stat = PathStat.open().orElseThrow()) {
      assertThatThrownBy(() -> stat.lstat(path)).isInstanceOf(IOException.class).hasMessageContaining("ENAMETOOLONG");
      assertThatThrownBy(() -> FileStats.lstat(path)).isInstanceOf(IOException.class);
    }
  }
}
