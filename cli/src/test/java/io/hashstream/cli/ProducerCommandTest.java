package io.hashstream.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code hashstream producer}'s refusals: one line on stderr and exit code 2, before any connection. */
class ProducerCommandTest {
  @TempDir static Path logs;
  @TempDir Path work;

  @BeforeAll
  static void logsInATemporaryDirectory() {
    System.setProperty(Launcher.LOG_DIR_PROPERTY, logs.toString());
  }

  @Test
  void aMissingDirectoryIsRefusedWithOneLine() {
    InProcessRun result = InProcessRun.of("producer", "--root", "demo=" + work.resolve("missing"));
    assertThat(result.code()).isEqualTo(2);
    assertThat(result.err().strip())
        .isEqualTo("hashstream: the directory of root 'demo' does not exist: " + work.resolve("missing"));
  }

  @Test
  void aFileGivenAsRootIsRefusedWithOneLine() throws Exception {
    Path file = Files.writeString(work.resolve("file"), "x");
    InProcessRun result = InProcessRun.of("producer", "--root", "demo=" + file);
    assertThat(result.code()).isEqualTo(2);
    assertThat(result.err().strip()).isEqualTo("hashstream: the root 'demo' is not a directory: " + file);
  }

  @Test
  void aDuplicateOrInvalidNameIsRefusedWithOneLine() {
    InProcessRun duplicate = InProcessRun.of("producer", "--root", "demo=" + work, "--root", "demo=" + work);
    assertThat(duplicate.code()).isEqualTo(2);
    assertThat(duplicate.err().strip()).isEqualTo("hashstream: the root name 'demo' is given twice");

    InProcessRun invalid = InProcessRun.of("producer", "--root", "de mo=" + work);
    assertThat(invalid.code()).isEqualTo(2);
    assertThat(invalid.err().strip())
        .isEqualTo("hashstream: the root name 'de mo' is invalid: use letters, digits, '.', '_' and '-' only");

    InProcessRun sameDirectory = InProcessRun.of("producer", "--root", "a=" + work, "--root", "b=" + work);
    assertThat(sameDirectory.code()).isEqualTo(2);
    assertThat(sameDirectory.err().strip())
        .isEqualTo("hashstream: roots 'a' and 'b' name the same directory " + work);
  }

  @Test
  void aWatchSourceForAnUnknownRootOrOfAnUnknownKindIsRefusedWithOneLine() {
    InProcessRun unknownRoot = InProcessRun.of("producer", "--root", "demo=" + work, "--watch", "nas=poll");
    assertThat(unknownRoot.code()).isEqualTo(2);
    assertThat(unknownRoot.err().strip())
        .isEqualTo("hashstream: --watch nas=poll: there is no root 'nas' (the roots are demo)");

    InProcessRun unknownSource = InProcessRun.of("producer", "--root", "demo=" + work, "--watch", "demo=fanotify");
    assertThat(unknownSource.code()).isEqualTo(2);
    assertThat(unknownSource.err().strip())
        .isEqualTo("hashstream: 'fanotify' is not a change source for --watch: use auto, inotify, poll, jdk");

    InProcessRun jdkForOne = InProcessRun.of("producer", "--root", "demo=" + work, "--watch", "demo=jdk");
    assertThat(jdkForOne.code()).isEqualTo(2);
    assertThat(jdkForOne.err().strip())
        .isEqualTo("hashstream: --watch demo=jdk: the JDK's watch service watches every root or none (--watch jdk)");
  }

  @Test
  void anInvalidGlobOrDurationIsRefusedWithOneLine() {
    InProcessRun glob = InProcessRun.of("producer", "--root", "demo=" + work, "--exclude", "[oops");
    assertThat(glob.code()).isEqualTo(2);
    assertThat(glob.err().strip()).startsWith("hashstream: root 'demo': invalid glob '[oops'").doesNotContain("\n");

    InProcessRun settle = InProcessRun.of("producer", "--root", "demo=" + work, "--settle", "soon");
    assertThat(settle.code()).isEqualTo(2);
    assertThat(settle.err().strip()).startsWith("hashstream: ").contains("'soon' is not a duration").doesNotContain("\n");
  }

  @Test
  void globsWithARootPrefixApplyToThatRootOnly() {
    Map<String, Path> roots = new LinkedHashMap<>();
    roots.put("a", work.resolve("a"));
    roots.put("b", work.resolve("b"));
    List<String> globs = List.of("*.log", "a=build", "b=*.bak", "x=y");
    assertThat(ProducerCommand.globsFor("a", globs, roots)).containsExactly("*.log", "build", "x=y");
    assertThat(ProducerCommand.globsFor("b", globs, roots)).containsExactly("*.log", "*.bak", "x=y");
  }

  @Test
  void helpListsTheOptions() {
    InProcessRun help = InProcessRun.of("producer", "--help");
    assertThat(help.code()).isZero();
    assertThat(help.out())
        .contains("--root", "--producer-id", "--events-topic", "--partitions", "--settle", "--include", "--exclude", "--client-config");
  }
}
