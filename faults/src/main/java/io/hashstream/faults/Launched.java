package io.hashstream.faults;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One hashstream command run as a user runs it: a child JVM with the distribution's class path and
 * the launcher's flags ({@code bin/hashstream} execs the same), its output in log files.
 */
final class Launched implements AutoCloseable {
  private final String name;
  private final Process process;
  private final Path stderr;

  private Launched(String name, Process process, Path stderr) {
    this.name = name;
    this.process = process;
    this.stderr = stderr;
  }

  static Launched start(Distribution distribution, Path logs, String name, List<String> args)
      throws IOException {
    Files.createDirectories(logs);
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-XX:+UseSerialGC");
    // As bin/hashstream: C1 alone, except for the commands that hash.
    if (!args.getFirst().equals("consumer")) {
      command.add("-XX:TieredStopAtLevel=1");
    }
    command.add("--enable-native-access=ALL-UNNAMED");
    distribution.aotDirectory().ifPresent(dir -> command.add("-Dhashstream.aot.dir=" + dir));
    command.add("-cp");
    command.add(distribution.lib() + "/*");
    command.add("io.hashstream.cli.Main");
    command.addAll(args);
    Path stderr = logs.resolve(name + ".log");
    ProcessBuilder builder =
        new ProcessBuilder(command)
            .directory(logs.toFile())
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(stderr.toFile()))
            .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
    builder.environment().put("XDG_DATA_HOME", logs.resolve("xdg").toString());
    return new Launched(name, builder.start(), stderr);
  }

  String name() {
    return name;
  }

  long pid() {
    return process.pid();
  }

  boolean alive() {
    return process.isAlive();
  }

  void signal(Signal signal) {
    signal.send(process.pid());
  }

  /** Waits up to {@code timeout} for the exit; empty-handed is an error naming the process. */
  int awaitExit(Duration timeout) throws InterruptedException {
    if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      throw new IllegalStateException(name + " did not exit within " + timeout + "; its log:\n" + logTail());
    }
    return process.exitValue();
  }

  /** The log so far, for conditions on what the process said. */
  String log() throws IOException {
    return Files.readString(stderr, StandardCharsets.UTF_8);
  }

  String logTail() {
    try (RandomAccessFile file = new RandomAccessFile(stderr.toFile(), "r")) {
      long start = Math.max(0, file.length() - 3000);
      byte[] bytes = new byte[(int) (file.length() - start)];
      file.seek(start);
      file.readFully(bytes);
      return new String(bytes, StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "(" + stderr + " cannot be read: " + e.getMessage() + ")";
    }
  }

  /**
   * Stops it with SIGTERM as a script would (a frozen one is resumed first), killing it and what it
   * started after a grace, or at once when interrupted (keeping the interrupt).
   */
  void stop() {
    if (!process.isAlive()) {
      return;
    }
    signal(Signal.CONT);
    signal(Signal.TERM);
    try {
      if (process.waitFor(30, TimeUnit.SECONDS)) {
        return;
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    close();
  }

  @Override
  public void close() {
    process.descendants().forEach(ProcessHandle::destroyForcibly);
    process.destroyForcibly();
    process.onExit().join();
  }
}
