package io.hashstream.nativeio;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DirectoryReaderTest {
  @TempDir Path directory;

  @BeforeAll
  static void theReaderRunsHere() {
    // The build's JVMs run on Linux x86-64 with native access: the reader must be there, not skipped.
    assertThat(DirectoryReader.unavailable()).isEmpty();
  }

  private static DirectoryReader reader() {
    return DirectoryReader.open().orElseThrow();
  }

  @Test
  void everyKindOfEntryIsReadWithWhatLstatShows() throws Exception {
    Files.writeString(directory.resolve("file"), "content");
    Files.createDirectory(directory.resolve("sub"));
    Files.createSymbolicLink(directory.resolve("link"), directory.resolve("file"));
    Files.createSymbolicLink(directory.resolve("dangling"), directory.resolve("nowhere"));
    new ProcessBuilder("mkfifo", directory.resolve("fifo").toString()).start().waitFor();
    Files.writeString(directory.resolve("ünïcödé"), "u");
    try (DirectoryReader reader = reader()) {
      DirectoryReader.Listing.Entries listed = (DirectoryReader.Listing.Entries) reader.read(directory);
      Map<String, FileState> byName =
          listed.entries().stream().collect(Collectors.toMap(DirectoryReader.Entry::name, DirectoryReader.Entry::state));
      assertThat(byName.keySet()).containsExactlyInAnyOrder("file", "sub", "link", "dangling", "fifo", "ünïcödé");
      for (Map.Entry<String, FileState> entry : byName.entrySet()) {
        FileState expected = FileStats.lstat(directory.resolve(entry.getKey())).orElseThrow();
        assertThat(entry.getValue()).as(entry.getKey()).isEqualTo(expected);
      }
      assertThat(byName).hasEntrySatisfying("link", state -> assertThat(state.kind()).isEqualTo(FileKind.SYMLINK));
      assertThat(byName).hasEntrySatisfying("fifo", state -> assertThat(state.kind()).isEqualTo(FileKind.FIFO));
      assertThat(listed.unrepresentable()).isZero();
      assertThat(listed.unexamined()).isEmpty();
    }
  }

  @Test
  void aDirectoryLargerThanTheBufferIsReadWhole() throws Exception {
    // Names of 200 bytes: about 300 entries fill the 64 KiB buffer, so 3,000 take ten reads.
    String stem = "n".repeat(194);
    for (int i = 0; i < 3000; i++) {
      Files.createFile(directory.resolve(stem + String.format("%06d", i)));
    }
    try (DirectoryReader reader = reader()) {
      DirectoryReader.Listing.Entries listed = (DirectoryReader.Listing.Entries) reader.read(directory);
      assertThat(listed.entries()).hasSize(3000);
      assertThat(listed.entries().stream().map(DirectoryReader.Entry::name).collect(Collectors.toSet())).hasSize(3000);
    }
  }

  @Test
  void aNameThatIsNotUtf8IsCountedAndLeftOut() throws Exception {
    Files.writeString(directory.resolve("good"), "g");
    // The shell makes the name from bytes: the JVM could not (its file names are UTF-8).
    new ProcessBuilder("sh", "-c", "touch \"$(printf 'bad\\377name')\"").directory(directory.toFile()).start().waitFor();
    try (DirectoryReader reader = reader()) {
      DirectoryReader.Listing.Entries listed = (DirectoryReader.Listing.Entries) reader.read(directory);
      assertThat(listed.entries()).extracting(DirectoryReader.Entry::name).containsExactly("good");
      assertThat(listed.unrepresentable()).isEqualTo(1);
    }
  }

  @Test
  void aMissingDirectoryOrAFileIsMissing() throws Exception {
    Path file = Files.writeString(directory.resolve("file"), "f");
    try (DirectoryReader reader = reader()) {
      assertThat(reader.read(directory.resolve("missing"))).isInstanceOf(DirectoryReader.Listing.Missing.class);
      assertThat(reader.read(file)).isInstanceOf(DirectoryReader.Listing.Missing.class);
      assertThat(reader.read(directory)).isInstanceOf(DirectoryReader.Listing.Entries.class);
    }
  }

  @Test
  void aClosedReaderRefusesAndClosesOnce() {
    DirectoryReader reader = reader();
    reader.close();
    reader.close();
    assertThatThrownBy(() -> reader.read(directory)).isInstanceOf(IllegalStateException.class);
  }
}
