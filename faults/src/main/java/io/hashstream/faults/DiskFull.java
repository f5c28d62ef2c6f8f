package io.hashstream.faults;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Scenario 9: the broker's log directory on a small tmpfs of its own ({@code metadata.log.dir} kept
 * off it), filled up under load, then freed. Needs root for the mount; the suite gives this scenario
 * a runtime of its own.
 */
final class DiskFull {
  static final String SIZE = "256m";

  private DiskFull() {}

  /** The broker properties of a runtime whose log directory is {@code small}. */
  static Map<String, String> brokerConfig(Path small, Path metadata) {
    return Map.of("log.dirs", small.toString(), "metadata.log.dir", metadata.toString());
  }

  static boolean root() {
    try {
      Process id = new ProcessBuilder("id", "-u").start();
      String uid = new String(id.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.US_ASCII).strip();
      return id.waitFor() == 0 && uid.equals("0");
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  static void mount(Path directory) throws IOException, InterruptedException {
    Files.createDirectories(directory);
    run("mount", "-t", "tmpfs", "-o", "size=" + SIZE, "tmpfs", directory.toString());
  }

  static void unmount(Path directory) throws IOException, InterruptedException {
    run("umount", "-l", directory.toString());
  }

  private static void run(String... command) throws IOException, InterruptedException {
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    if (process.waitFor() != 0) {
      throw new IOException(String.join(" ", command) + " failed: " + output.strip());
    }
  }

  static void run(ScenarioRun run) throws Exception {
    LocalCluster cluster = run.cluster;
    Path small = cluster.home().resolve("small");
    run.underLoad(2);
    Path filler = small.resolve("filler");
    long filled = fill(filler);
    Instant full = Instant.now();
    long broker = cluster.brokerPid().orElseThrow();
    // What the broker does when its only log directory cannot be written: wait for it to die, or
    // for 30 s of it carrying on.
    try {
      Waits.until(Duration.ofSeconds(30), "the broker to notice", () -> cluster.brokerPid().orElse(broker) != broker || !ProcessHandle.of(broker).map(ProcessHandle::isAlive).orElse(false));
      run.finding(String.format(java.util.Locale.ROOT, "with %d MiB of filler the broker stopped after %.1f s", filled >> 20, Duration.between(full, Instant.now()).toMillis() / 1000.0));
    } catch (IllegalStateException e) {
      run.finding("with " + (filled >> 20) + " MiB of filler the broker was still running after 30 s");
    }
    Files.delete(filler);
    Instant freed = Instant.now();
    if (!cluster.launcher().alive()) {
      run.finding("the runtime gave up its broker: restarted by hand, as an operator would");
      cluster.restart();
    }
    Waits.until(Duration.ofMinutes(3), "the broker to serve again", () -> cluster.launcher().alive() && Kafka.answers(cluster.internalBootstrap()));
    run.finding(String.format(java.util.Locale.ROOT, "serving again %.1f s after the space was freed", Duration.between(freed, Instant.now()).toMillis() / 1000.0));
    List<String> said =
        cluster.launcher().log().lines().filter(line -> line.contains("exited with status")).limit(1).toList();
    said.forEach(line -> run.finding("the runtime said: " + line.strip()));
    run.faultEnded();
  }

  /** Writes zeros to {@code file} until the file system is full; returns the bytes written. */
  private static long fill(Path file) throws IOException {
    byte[] chunk = new byte[1 << 20];
    long written = 0;
    try (OutputStream out = Files.newOutputStream(file)) {
      while (true) {
        out.write(chunk);
        written += chunk.length;
      }
    } catch (IOException e) {
      if (!String.valueOf(e.getMessage()).contains("No space left")) {
        throw e;
      }
    }
    return written;
  }
}
