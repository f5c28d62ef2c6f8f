package io.hashstream.nativeio;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;

/**
 * Files the user may not read come out {@link OpenOutcome.Unreadable}. The build runs as root, which
 * ignores permissions, so the openers then run in a child JVM as nobody ({@code setpriv}), with
 * copies of the class files it needs in a directory everybody can read.
 */
class UnreadableTest {
  private static final int NOBODY = 65534;
  private static final List<String> PATHS = List.of("readable.txt", "secret.txt", "locked/inner.txt");

  @TempDir Path temp;

  @Test
  void filesThisUserMayNotReadAreUnreadable() throws Exception {
    assumeThat(System.getProperty("os.name")).isEqualTo("Linux");
    Files.setPosixFilePermissions(temp, PosixFilePermissions.fromString("rwxr-xr-x"));
    Path root = Files.createDirectories(temp.resolve("root"));
    Files.writeString(root.resolve("readable.txt"), "anyone may read this");
    Files.writeString(root.resolve("secret.txt"), "nobody may read this");
    Files.setPosixFilePermissions(root.resolve("secret.txt"), PosixFilePermissions.fromString("---------"));
    Path locked = Files.createDirectories(root.resolve("locked"));
    Files.writeString(locked.resolve("inner.txt"), "in a directory only its owner may search");
    Files.setPosixFilePermissions(locked, PosixFilePermissions.fromString("rwx------"));

    List<String> lines;
    if ((int) Files.getAttribute(Path.of("/proc/self"), "unix:uid") == 0) {
      lines = asNobody(root.toRealPath());
    } else {
      lines = UnreadableProbe.probe(root.toRealPath(), PATHS);
    }

    List<String> openers = LinuxSupport.available() ? List.of("linux", "java") : List.of("java");
    for (String opener : openers) {
      assertThat(lines).anyMatch(line -> line.startsWith(UnreadableProbe.PREFIX + opener + " readable.txt Opened"));
      assertThat(lines)
          .contains(UnreadableProbe.PREFIX + opener + " secret.txt Unreadable permission denied");
      assertThat(lines)
          .anySatisfy(
              line ->
                  assertThat(line)
                      .startsWith(UnreadableProbe.PREFIX + opener + " locked/inner.txt Unreadable ")
                      .containsIgnoringCase("permission denied"));
    }
  }

  private List<String> asNobody(Path root) throws Exception {
    Path setpriv = Path.of("/usr/bin/setpriv");
    assumeThat(Files.isExecutable(setpriv)).as("setpriv (util-linux) is installed").isTrue();
    Path classPath = Files.createDirectories(temp.resolve("classpath"));
    List<String> entries = new ArrayList<>();
    int index = 0;
    for (Class<?> type : List.of(FileOpener.class, UnreadableProbe.class, Logger.class)) {
      Path source = Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI());
      Path copy = classPath.resolve(index++ + (Files.isDirectory(source) ? "" : ".jar"));
      copyReadableByAll(source, copy);
      entries.add(copy.toString());
    }
    Files.setPosixFilePermissions(classPath, PosixFilePermissions.fromString("rwxr-xr-x"));
    List<String> command = new ArrayList<>(List.of(
        setpriv.toString(), "--reuid=" + NOBODY, "--regid=" + NOBODY, "--clear-groups",
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-XX:-UsePerfData", "-XX:TieredStopAtLevel=1", "-Xmx64m",
        "--enable-native-access=ALL-UNNAMED",
        "-cp", String.join(":", entries),
        UnreadableProbe.class.getName(), root.toString()));
    command.addAll(PATHS);
    Process child = new ProcessBuilder(command).directory(temp.toFile()).redirectErrorStream(true).start();
    child.getOutputStream().close();
    // The output is a few lines: read it to the end, then the child has exited or is exiting.
    String output = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    boolean exited = child.waitFor(60, TimeUnit.SECONDS);
    if (!exited) {
      child.destroyForcibly();
    }
    assertThat(exited).as("the child JVM exited: %s", output).isTrue();
    assertThat(child.exitValue()).as("the child JVM's exit code: %s", output).isZero();
    if (LinuxSupport.available()) {
      assertThat(output).as("the child runs the native opener too").contains("native available");
    }
    return output.lines().filter(line -> line.startsWith(UnreadableProbe.PREFIX)).toList();
  }

  private static void copyReadableByAll(Path source, Path target) throws IOException {
    if (!Files.isDirectory(source)) {
      Files.copy(source, target);
      Files.setPosixFilePermissions(target, PosixFilePermissions.fromString("rw-r--r--"));
      return;
    }
    try (Stream<Path> tree = Files.walk(source)) {
      for (Path from : tree.toList()) {
        Path to = target.resolve(source.relativize(from).toString());
        if (Files.isDirectory(from)) {
          Files.createDirectories(to);
          Files.setPosixFilePermissions(to, PosixFilePermissions.fromString("rwxr-xr-x"));
        } else {
          Files.copy(from, to);
          Files.setPosixFilePermissions(to, PosixFilePermissions.fromString("rw-r--r--"));
        }
      }
    }
  }
}
