package io.hashstream.runtime.internal;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One child process of the local runtime, with its console output appended to a log file. The
 * runtime owns it: only the runtime's start and close paths touch it.
 */
public final class ChildProcess {
  private static final Logger LOG = LoggerFactory.getLogger(ChildProcess.class);
  private static final int TAIL_BYTES = 4096;

  private final String name;
  private final Process process;
  private final Path consoleLog;

  private ChildProcess(String name, Process process, Path consoleLog) {
    this.name = name;
    this.process = process;
    this.consoleLog = consoleLog;
  }

  /**
   * Starts {@code command} in {@code workingDirectory}, its standard output and error appended to
   * {@code consoleLog}, its standard input closed.
   */
  public static ChildProcess start(
      String name, List<String> command, Path workingDirectory, Path consoleLog)
      throws IOException {
    Files.createDirectories(consoleLog.getParent());
    ProcessBuilder builder =
        new ProcessBuilder(command)
            .directory(workingDirectory.toFile())
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(consoleLog.toFile()))
            .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
    Process process = builder.start();
    LOG.debug("started {} as pid {}: {}", name, process.pid(), command);
    return new ChildProcess(name, process, consoleLog);
  }

  public String name() {
    return name;
  }

  public long pid() {
    return process.pid();
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  public Path consoleLog() {
    return consoleLog;
  }

  /** Completes with the exit status when the process exits, for whatever reason. */
  public CompletableFuture<Integer> onExit() {
    return process.onExit().thenApply(Process::exitValue);
  }

  /** The exit status, once the process has exited. */
  public OptionalInt exitStatus() {
    return process.isAlive() ? OptionalInt.empty() : OptionalInt.of(process.exitValue());
  }

  /** Waits for the process to exit on its own, for at most {@code timeout}. */
  public OptionalInt waitFor(Duration timeout) throws InterruptedException {
    if (process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      return OptionalInt.of(process.exitValue());
    }
    return OptionalInt.empty();
  }

  /** The end of the console log, for error messages; empty if it cannot be read. */
  public String tailOfConsoleLog() {
    try (RandomAccessFile file = new RandomAccessFile(consoleLog.toFile(), "r")) {
      long start = Math.max(0, file.length() - TAIL_BYTES);
      byte[] bytes = new byte[(int) (file.length() - start)];
      file.seek(start);
      file.readFully(bytes);
      return new String(bytes, StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "(its console log " + consoleLog + " cannot be read: " + e.getMessage() + ")";
    }
  }

  /** Asks the process to stop (SIGTERM) without waiting. */
  public void requestStop() {
    process.destroy();
  }

  /**
   * Asks the process to stop (SIGTERM), waits up to {@code grace}, then kills it (SIGKILL). An
   * interrupt while waiting kills it at once and keeps the thread's interrupt status: a stop always
   * leaves no process behind.
   *
   * @return true if it stopped on its own within the grace period
   */
  public boolean stop(Duration grace) {
    if (!process.isAlive()) {
      return true;
    }
    process.destroy();
    try {
      if (process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
        LOG.debug("{} (pid {}) stopped with status {}", name, pid(), process.exitValue());
        return true;
      }
      LOG.warn("{} (pid {}) did not stop within {}; killing it", name, pid(), grace);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      LOG.warn("interrupted while stopping {} (pid {}); killing it", name, pid());
    }
    process.destroyForcibly();
    // Waiting for a SIGKILLed process is short and must not be cut by an interrupt.
    process.onExit().join();
    return false;
  }
}
