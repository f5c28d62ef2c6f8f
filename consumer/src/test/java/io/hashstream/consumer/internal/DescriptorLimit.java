package io.hashstream.consumer.internal;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * This JVM at its limit of open files (EMFILE) until {@link #free}: the soft limit lowered with
 * {@code prlimit} a little above the descriptors open now, and the rest filled with {@code
 * /dev/null}. {@link #close} frees them and puts the limit back.
 */
final class DescriptorLimit implements AutoCloseable {
  private static final int HEADROOM = 32;

  private final long originalSoftLimit;
  private final List<FileChannel> fillers = new ArrayList<>();

  private DescriptorLimit(long originalSoftLimit) {
    this.originalSoftLimit = originalSoftLimit;
  }

  static DescriptorLimit exhausted() throws Exception {
    assumeTrue(Files.isDirectory(Path.of("/proc/self/fd")), "skipped: needs Linux's /proc/self/fd");
    assumeTrue(Files.isExecutable(Path.of("/usr/bin/prlimit")), "skipped: needs prlimit (util-linux)");
    long open;
    try (Stream<Path> descriptors = Files.list(Path.of("/proc/self/fd"))) {
      open = descriptors.count();
    }
    DescriptorLimit limit = new DescriptorLimit(softLimit());
    prlimit(String.valueOf(open + HEADROOM));
    try {
      while (true) {
        limit.fillers.add(FileChannel.open(Path.of("/dev/null"), StandardOpenOption.READ));
        if (limit.fillers.size() > 2 * HEADROOM) {
          throw new IllegalStateException("the lowered limit of open files does not hold");
        }
      }
    } catch (IOException atTheLimit) {
      return limit;
    } catch (RuntimeException e) {
      limit.close();
      throw e;
    }
  }

  /** Closes the descriptors that filled the limit; the limit itself stays low until {@link #close}. */
  synchronized void free() {
    for (FileChannel filler : fillers) {
      try {
        filler.close();
      } catch (IOException e) {
        throw new IllegalStateException("closing /dev/null failed", e);
      }
    }
    fillers.clear();
  }

  @Override
  public void close() throws IOException {
    free();
    prlimit(String.valueOf(originalSoftLimit));
  }

  private static long softLimit() throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc/self/limits"), StandardCharsets.UTF_8)) {
      if (line.startsWith("Max open files")) {
        String values = line.substring("Max open files".length()).strip();
        return Long.parseLong(values.substring(0, values.indexOf(' ')));
      }
    }
    throw new IOException("no 'Max open files' line in /proc/self/limits");
  }

  private static void prlimit(String soft) throws IOException {
    Process process =
        new ProcessBuilder("prlimit", "--pid", String.valueOf(ProcessHandle.current().pid()), "--nofile=" + soft + ":")
            .redirectErrorStream(true)
            .start();
    try {
      if (!process.waitFor(30, TimeUnit.SECONDS) || process.exitValue() != 0) {
        throw new IOException("prlimit failed: " + new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while waiting for prlimit", e);
    }
  }
}
