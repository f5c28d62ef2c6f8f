package io.hashstream.schemas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class FileKeyTest {

  static Stream<Long> seeds() {
    return Stream.iterate(1L, s -> s + 1).limit(50);
  }

  @ParameterizedTest(name = "seed {0}")
  @MethodSource("seeds")
  void aKeyParsesBackToItsRootAndPath(long seed) {
    RandomRecords random = new RandomRecords(seed);
    for (int i = 0; i < 50; i++) {
      String root = random.root();
      String path = random.random().nextInt(10) == 0 ? random.longPath() : random.path();
      FileKey key = new FileKey(root, path);

      assertThat(key.key()).isEqualTo(root + "/" + path);
      assertThat(FileKey.parse(key.key())).isEqualTo(key);
      assertThat(FileKey.parse(key.toBytes())).isEqualTo(key);
      assertThat(new String(key.toBytes(), StandardCharsets.UTF_8)).isEqualTo(key.toString());
    }
  }

  @Test
  void theFirstSlashSeparatesRootFromPath() {
    FileKey key = FileKey.parse("photos/2024/-rf dir/ünï 😀.jpg");

    assertThat(key.root()).isEqualTo("photos");
    assertThat(key.path()).isEqualTo("2024/-rf dir/ünï 😀.jpg");
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "a b", "ä", "a/b", "a:b", "*", "root\n"})
  void refusesRootNamesOutsideTheAlphabet(String root) {
    assertThat(FileKey.isValidRoot(root)).isFalse();
    assertThatThrownBy(() -> new FileKey(root, "file"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("invalid root name")
        .hasMessageContaining("[A-Za-z0-9._-]+");
  }

  @ParameterizedTest
  @ValueSource(strings = {"a", "Z", "0", ".", "..", "-", "_", "my.root-1_x"})
  void acceptsRootNamesInTheAlphabet(String root) {
    assertThat(FileKey.isValidRoot(root)).isTrue();
    assertThat(FileKey.requireValidRoot(root)).isEqualTo(root);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {"", "/a", "a/", "a//b", "./a", "a/./b", "a/..", "..", "a\0b", "bad\uD800half"})
  void refusesPathsThatAreNotCanonicalRelativePaths(String path) {
    assertThat(FileKey.isValidPath(path)).isFalse();
    assertThatThrownBy(() -> new FileKey("root", path))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("invalid relative path");
  }

  @ParameterizedTest
  @ValueSource(strings = {" ", "-rf", "a b/c d", "...", ".hidden", "日本/語", "\uFFFD", "a\\b"})
  void acceptsAnyOtherUnicodeName(String path) {
    assertThat(new FileKey("r", path).path()).isEqualTo(path);
  }

  @Test
  void refusesKeysWithoutASlashAndKeysThatAreNotUtf8() {
    assertThatThrownBy(() -> FileKey.parse("justroot"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("no '/'");
    assertThatThrownBy(() -> FileKey.parse(new byte[] {'r', '/', (byte) 0xff}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not UTF-8");
  }

  @Test
  void buildsTheKeyOfAFileFromItsRelativePath(@TempDir Path root) throws IOException {
    Path file = Files.createDirectories(root.resolve("dir with space").resolve("-sub"));
    file = Files.createFile(file.resolve("naïve 日本.txt"));

    FileKey key = FileKey.of("docs", root.relativize(file));

    assertThat(key.key()).isEqualTo("docs/dir with space/-sub/naïve 日本.txt");
  }

  @Test
  void aNameThatIsNotUtf8HasNoKey(@TempDir Path root) throws Exception {
    FileNames.requireUtf8NativeEncoding();
    Path directory = Files.createDirectories(root.resolve("inbox"));
    // Java cannot make such a name (it encodes strings as UTF-8): let the shell make it.
    Process touch =
        new ProcessBuilder("sh", "-c", "touch \"$(printf 'bad\\377name')\" good")
            .directory(directory.toFile())
            .inheritIO()
            .start();
    assertThat(touch.waitFor()).isZero();
    List<Path> names;
    try (Stream<Path> listing = Files.list(directory)) {
      names = listing.map(root::relativize).sorted().toList();
    }
    assertThat(names).hasSize(2);
    Path bad = names.stream().filter(p -> p.toString().startsWith("inbox/bad")).findFirst().orElseThrow();
    Path good = names.stream().filter(p -> p.toString().equals("inbox/good")).findFirst().orElseThrow();

    assertThat(bad.toString()).isEqualTo("inbox/bad\uFFFDname");
    assertThat(FileNames.isRepresentable(bad)).isFalse();
    assertThat(FileNames.isRepresentable(good)).isTrue();
    assertThatThrownBy(() -> FileKey.of("r", bad))
        .isInstanceOfSatisfying(
            NonUtf8NameException.class, e -> assertThat(e.directory()).isEqualTo("inbox"))
        .hasMessageContaining("not valid UTF-8");
    assertThat(FileKey.of("r", good).key()).isEqualTo("r/inbox/good");
    // A real U+FFFD in a name is valid UTF-8 and keeps its key.
    Path replacement = Files.createFile(directory.resolve("real\uFFFD"));
    assertThat(FileKey.of("r", root.relativize(replacement)).path()).isEqualTo("inbox/real\uFFFD");
  }

  @Test
  void refusesAbsolutePaths() {
    assertThatThrownBy(() -> FileKey.of("r", Path.of("/etc/passwd")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not a relative path");
  }
}
