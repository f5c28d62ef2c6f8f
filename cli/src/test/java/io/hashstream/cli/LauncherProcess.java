package io.hashstream.cli;

import static org.awaitility.Awaitility.await;

import java.io.BufferedReader;
import io.hashstream.testsupport.TestCluster;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * The command line run as a user runs it: a child JVM with the launcher's class path and flags (what
 * {@code bin/hashstream} execs once the distribution is built), stdout collected line by line.
 */
final class LauncherProcess implements AutoCloseable {
  private static final Path LIB = Path.of("target", "lib").toAbsolutePath();

  private final Process process;
  private final List<String> stdout = new CopyOnWriteArrayList<>();
  private final Path stderr;

  private LauncherProcess(Process process, Path stderr) {
    this.process = process;
    this.stderr = stderr;
    Thread.ofPlatform()
        .daemon()
        .name("launcher-stdout-" + process.pid())
        .start(this::collectStdout);
  }

  /**
   * The arguments of {@code command} with {@code args}, then the connection to {@code cluster} and
   * the events and hash topics {@code topics} (as {@code Tables.freshTopics} names them).
   */
  static String[] arguments(TestCluster cluster, String[] topics, String command, String... args) {
    List<String> all = new ArrayList<>(List.of(command));
    all.addAll(List.of(args));
    all.addAll(
        List.of(
            "--bootstrap-servers", cluster.bootstrapServers(),
            "--schema-registry", cluster.schemaRegistryUrl(),
            "--events-topic", topics[0],
            "--hashes-topic", topics[1]));
    return all.toArray(String[]::new);
  }

  static LauncherProcess start(Path workDirectory, String... args) throws IOException {
    return start(workDirectory, List.of(), args);
  }

  /** Starts the launcher with extra JVM flags (test hooks) before its main class. */
  static LauncherProcess start(Path workDirectory, List<String> jvmFlags, String... args)
      throws IOException {
    return start(workDirectory, List.of(), jvmFlags, args);
  }

  /**
   * Starts the launcher through {@code wrapper}, a command that runs the JVM (for example {@code
   * setpriv} to run it as another user).
   */
  static LauncherProcess start(
      Path workDirectory, List<String> wrapper, List<String> jvmFlags, String... args) throws IOException {
    List<String> command = new ArrayList<>(wrapper);
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(jvmFlags);
    command.add("-XX:+UseSerialGC");
    command.add("--enable-native-access=ALL-UNNAMED");
    String aot = System.getProperty("hashstream.test.aot.dir");
    if (aot != null) {
      command.add("-D" + RuntimeOptions.AOT_DIRECTORY_PROPERTY + "=" + aot);
    }
    command.add("-cp");
    command.add(LIB + "/*");
    command.add(Main.class.getName());
    command.addAll(List.of(args));
    Files.createDirectories(workDirectory);
    Path stderr = Files.createTempFile(workDirectory, "launcher", ".err");
    ProcessBuilder builder =
        new ProcessBuilder(command)
            .directory(workDirectory.toFile())
            .redirectError(stderr.toFile())
            .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
    // The data directory (logs, a producer's state) of this test, not the user's.
    builder.environment().put("XDG_DATA_HOME", workDirectory.toAbsolutePath().resolve("data").toString());
    Process process = builder.start();
    return new LauncherProcess(process, stderr);
  }

  private void collectStdout() {
    try (BufferedReader reader =
        new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      for (String line = reader.readLine(); line != null; line = reader.readLine()) {
        stdout.add(line);
      }
    } catch (IOException e) {
      // The process is gone; the lines read so far are all there is.
    }
  }

  Process process() {
    return process;
  }

  List<String> stdout() {
    return List.copyOf(stdout);
  }

  long pid() {
    return process.pid();
  }

  String stderr() {
    try {
      return Files.readString(stderr, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Waits for a stdout line matching {@code expected}, failing early if the process exits. */
  String awaitLine(Predicate<String> expected, Duration timeout) {
    await()
        .atMost(timeout)
        .pollInterval(Duration.ofMillis(100))
        .failFast("the launcher exited: " + stderrForMessage(), () -> !process.isAlive() && stdout.stream().noneMatch(expected))
        .until(() -> stdout.stream().anyMatch(expected));
    return stdout.stream().filter(expected).findFirst().orElseThrow();
  }

  private String stderrForMessage() {
    return process.isAlive() ? "" : stderr();
  }

  /** Waits for the exit and returns its status. */
  int awaitExit(Duration timeout) throws InterruptedException {
    if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      throw new AssertionError("the launcher did not exit within " + timeout + "; stderr:\n" + stderr());
    }
    return process.exitValue();
  }

  @Override
  public void close() {
    process.descendants().forEach(ProcessHandle::destroyForcibly);
    process.destroyForcibly();
  }
}
