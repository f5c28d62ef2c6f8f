package io.hashstream.nativeio;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/** Small helpers that build test trees. */
final class Trees {
  private Trees() {}

  static Path write(Path file, int size, SplittableRandom random) throws IOException {
    byte[] content = new byte[size];
    random.nextBytes(content);
    Files.createDirectories(file.getParent());
    return Files.write(file, content);
  }

  static byte[] sha256(byte[] content) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(content);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }

  static MessageDigest newSha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }

  /** Runs a command that must succeed within ten seconds. */
  static void run(String... command) throws IOException, InterruptedException {
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    boolean exited = process.waitFor(10, TimeUnit.SECONDS);
    if (!exited) {
      process.destroyForcibly();
    }
    String output = new String(process.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    assertThat(exited).as("%s finished", String.join(" ", command)).isTrue();
    assertThat(process.exitValue()).as("%s: %s", String.join(" ", command), output).isZero();
  }

  static Path mkfifo(Path fifo) throws IOException, InterruptedException {
    run("mkfifo", fifo.toString());
    return fifo;
  }
}
