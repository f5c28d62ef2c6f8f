package io.hashstream.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hashstream.testsupport.FreePorts;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code bin/hashstream up} as a user runs it: JSON lines for a tree, Ctrl-C, nothing left. */
@Tag("local-runtime")
class UpCommandIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Path LAUNCHER = Path.of("..", "bin", "hashstream").toAbsolutePath().normalize();

  @TempDir Path work;
  @TempDir Path tree;

  @Test
  void printsTheHashOfEveryFileAndStopsCleanlyOnCtrlC() throws Exception {
    Files.writeString(tree.resolve("hello.txt"), "hello");
    Files.createDirectories(tree.resolve("nested dir"));
    Files.writeString(tree.resolve("nested dir/-dash ü.txt"), "nested");
    int[] ports = FreePorts.allocate(4);
    Process up = startUp(ports);
    List<String> lines = new CopyOnWriteArrayList<>();
    Thread reader = readLines(up, lines);
    try {
      Map<String, String> digests = new ConcurrentHashMap<>();
      await()
          .atMost(Duration.ofMinutes(4))
          .failFast(
              () -> {
                if (!up.isAlive()) {
                  throw new AssertionError("up exited: " + Files.readString(work.resolve("up.err")));
                }
              })
          .until(
              () -> {
                for (String line : lines) {
                  JsonNode node = JSON.readTree(line);
                  if (node.has("digest")) {
                    digests.put(node.get("key").asText(), node.get("digest").asText());
                  }
                }
                return digests.size() >= 2;
              });
      assertThat(digests)
          .containsEntry("t/hello.txt", sha256("hello"))
          .containsEntry("t/nested dir/-dash ü.txt", sha256("nested"));

      Files.delete(tree.resolve("hello.txt"));
      await()
          .atMost(Duration.ofMinutes(1))
          .until(() -> lines.contains("{\"key\":\"t/hello.txt\",\"deleted\":true}"));

      List<ProcessHandle> children = up.descendants().toList();
      assertThat(children).hasSizeGreaterThanOrEqualTo(2);
      long sigint = System.nanoTime();
      new ProcessBuilder("kill", "-INT", Long.toString(up.pid())).start().waitFor();
      assertThat(up.waitFor(30, TimeUnit.SECONDS)).as("up stops after Ctrl-C").isTrue();
      Duration took = Duration.ofNanos(System.nanoTime() - sigint);
      assertThat(up.exitValue()).isZero();
      assertThat(took).isLessThan(Duration.ofSeconds(10));
      assertThat(children).noneMatch(ProcessHandle::isAlive);
      for (int port : ports) {
        try (ServerSocket free = new ServerSocket()) {
          free.bind(new InetSocketAddress(InetAddress.getByAddress(new byte[] {127, 0, 0, 1}), port));
        }
      }
      reader.join(Duration.ofSeconds(10));
    } finally {
      up.descendants().forEach(ProcessHandle::destroyForcibly);
      up.destroyForcibly();
    }
  }

  @Test
  void refusesAMissingRootInOneLine() throws Exception {
    ProcessBuilder builder =
        new ProcessBuilder(LAUNCHER.toString(), "up", "--root", "t=" + tree.resolve("missing"))
            .redirectErrorStream(true);
    builder.environment().put("HASHSTREAM_NO_BUILD", "1");
    Process up = builder.start();
    up.getOutputStream().close();
    assertThat(up.waitFor(60, TimeUnit.SECONDS)).isTrue();
    String output = new String(up.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
    assertThat(up.exitValue()).isEqualTo(2);
    assertThat(output).isEqualTo("hashstream: the directory of root 't' does not exist: " + tree.resolve("missing"));
  }

  /** {@code up} on {@link #tree}, with its data under {@link #work} and its stderr in up.err. */
  private Process startUp(int[] ports) throws java.io.IOException {
    ProcessBuilder builder =
        new ProcessBuilder(
                LAUNCHER.toString(),
                "up",
                "--root", "t=" + tree,
                "--data-dir", work.resolve("data").toString(),
                "--kafka-port", Integer.toString(ports[0]),
                "--controller-port", Integer.toString(ports[1]),
                "--registry-port", Integer.toString(ports[2]),
                "--registry-management-port", Integer.toString(ports[3]))
            .redirectError(work.resolve("up.err").toFile());
    builder.environment().put("HASHSTREAM_NO_BUILD", "1");
    String aot = System.getProperty("hashstream.test.aot.dir");
    if (aot != null) {
      builder.environment().put("HASHSTREAM_JAVA_OPTS", "-D" + RuntimeOptions.AOT_DIRECTORY_PROPERTY + "=" + aot);
    }
    return builder.start();
  }

  private static Thread readLines(Process process, List<String> lines) {
    return Thread.ofPlatform()
        .start(
            () -> {
              try (BufferedReader out =
                  new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line = out.readLine(); line != null; line = out.readLine()) {
                  lines.add(line);
                }
              } catch (java.io.IOException e) {
                // The process ended.
              }
            });
  }

  @Test
  void aBrokerThatDiesUnderItIsStartedAgainAndThePipelineGoesOn() throws Exception {
    Files.writeString(tree.resolve("hello.txt"), "hello");
    Process up = startUp(FreePorts.allocate(4));
    List<String> lines = new CopyOnWriteArrayList<>();
    Thread reader = readLines(up, lines);
    Path stderr = work.resolve("up.err");
    try {
      await()
          .atMost(Duration.ofMinutes(4))
          .failFast("up exited", () -> !up.isAlive())
          .until(() -> lines.stream().anyMatch(line -> line.contains("t/hello.txt")));
      Path pidFile = work.resolve("data/kafka/broker.pid");
      String broker = Files.readString(pidFile, StandardCharsets.US_ASCII).strip();
      new ProcessBuilder("kill", "-KILL", broker).start().waitFor();
      await()
          .atMost(Duration.ofMinutes(2))
          .failFast("up exited", () -> !up.isAlive())
          .until(() -> Files.readString(stderr, StandardCharsets.UTF_8).contains("the Kafka broker serves again"));
      assertThat(Files.readString(stderr, StandardCharsets.UTF_8))
          .contains("the Kafka broker (pid " + broker + ") exited with status 137; starting it again in 1 s");
      assertThat(Files.readString(pidFile, StandardCharsets.US_ASCII).strip()).isNotEqualTo(broker);
      // The producer and the consumer reconnect to the broker started again: a change after the
      // restart reaches the table.
      Files.writeString(tree.resolve("after.txt"), "after");
      String digest = sha256("after");
      await()
          .atMost(Duration.ofMinutes(2))
          .failFast("up exited", () -> !up.isAlive())
          .until(() -> lines.stream().anyMatch(line -> line.contains("t/after.txt") && line.contains(digest)));
    } finally {
      up.descendants().forEach(ProcessHandle::destroyForcibly);
      up.destroyForcibly();
      reader.join(Duration.ofSeconds(10));
    }
  }

  private static String sha256(String content) throws Exception {
    return HexFormat.of()
        .formatHex(MessageDigest.getInstance("SHA-256").digest(content.getBytes(StandardCharsets.UTF_8)));
  }
}
