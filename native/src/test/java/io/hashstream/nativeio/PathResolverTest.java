package io.hashstream.nativeio;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PathResolverTest {
  @TempDir Path root;
  @TempDir Path outside;
  private PathResolver resolver;

  @BeforeEach
  void setUp() throws Exception {
    resolver = new PathResolver(root.toRealPath());
  }

  @Test
  void resolvesAPathInsideTheRootWithoutFollowingItsLastSegment() throws Exception {
    Files.createDirectories(root.resolve("a/b"));
    assertThat(resolver.resolve("a/b/-file with space"))
        .isEqualTo(new PathResolver.Resolution.Inside(root.toRealPath().resolve("a/b/-file with space")));
  }

  @ParameterizedTest
  @ValueSource(strings = {"/etc/passwd", "../x", "a/../../x", "a//b", "./a", "a/", ""})
  void refusesPathsThatAreNotPlainRelativePaths(String path) {
    assertThat(resolver.resolve(path)).isInstanceOf(PathResolver.Resolution.Refused.class);
  }

  @Test
  void refusesNul() {
    assertThat(resolver.resolve("a\0b")).isInstanceOf(PathResolver.Resolution.Refused.class);
  }

  @Test
  void aParentThatLeadsOutsideThroughASymlinkIsOutside() throws Exception {
    Files.createSymbolicLink(root.resolve("escape"), outside);
    Files.writeString(outside.resolve("secret"), "x");
    Path realOutside = outside.toRealPath();
    assertThat(resolver.resolve("escape/secret"))
        .isInstanceOfSatisfying(
            PathResolver.Resolution.Outside.class,
            escaped -> assertThat(escaped.realParent()).isEqualTo(realOutside));
  }

  @Test
  void followsASymlinkedParentThatStaysInside() throws Exception {
    Files.createDirectories(root.resolve("real"));
    Files.createSymbolicLink(root.resolve("alias"), root.resolve("real"));
    assertThat(resolver.resolve("alias/f"))
        .isEqualTo(new PathResolver.Resolution.Inside(root.toRealPath().resolve("real/f")));
  }

  @Test
  void aMissingParentMeansTheFileIsGone() {
    assertThat(resolver.resolve("no/such/dir/f")).isEqualTo(new PathResolver.Resolution.ParentMissing());
  }
}
