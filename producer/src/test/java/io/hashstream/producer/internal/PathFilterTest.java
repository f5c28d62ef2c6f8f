package io.hashstream.producer.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hashstream.producer.WatchedRoot;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class PathFilterTest {
  @Test
  void defaultExcludesLeaveOutEditorAndTemporaryFilesInAnyDirectory() {
    PathFilter filter = PathFilter.of(WatchedRoot.of("r", Path.of("/tmp")));
    assertThat(filter.acceptsFile("a.tmp")).isFalse();
    assertThat(filter.acceptsFile("deep/dir/a.tmp")).isFalse();
    assertThat(filter.acceptsFile("dir/.notes.txt.swp")).isFalse();
    assertThat(filter.acceptsFile("notes.txt~")).isFalse();
    assertThat(filter.acceptsFile("notes.txt")).isTrue();
    assertThat(filter.acceptsFile("tmp")).isTrue();
    assertThat(filter.acceptsFile("a.tmp.txt")).isTrue();
    assertThat(filter.acceptsDirectory("some.dir")).isTrue();
  }

  @Test
  void globsWithASlashMatchThePathAndIncludesNarrowFiles() {
    PathFilter filter =
        PathFilter.of(new WatchedRoot("r", Path.of("/tmp"), List.of("*.txt", "docs/**"), List.of("build", "docs/private/**")));
    assertThat(filter.acceptsDirectory("build")).isFalse();
    assertThat(filter.acceptsDirectory("src/build")).isFalse();
    assertThat(filter.acceptsFile("a.txt")).isTrue();
    assertThat(filter.acceptsFile("a.bin")).isFalse();
    assertThat(filter.acceptsFile("docs/a.bin")).isTrue();
    assertThat(filter.acceptsFile("docs/private/a.txt")).isFalse();
  }

  @Test
  void invalidGlobsAndRootNamesAreRefusedWithOneLine() {
    assertThatThrownBy(() -> new WatchedRoot("r", Path.of("/tmp"), List.of("[unclosed"), List.of()))
        .hasMessageStartingWith("root 'r': invalid glob '[unclosed'");
    assertThatThrownBy(() -> WatchedRoot.of("bad name", Path.of("/tmp")))
        .hasMessage("invalid root name 'bad name': it must match [A-Za-z0-9._-]+");
  }
}
