package io.hashstream.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hashstream.testsupport.FreePorts;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclBindingFilter;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bin/hashstream up --secure} as a user runs it: the producer, the consumer and the printer
 * each as its own SCRAM user over TLS, with no more than the ACLs {@code hashstream acls} lists, a
 * registry behind basic auth and HTTPS; and the same again after a restart on the same data.
 */
@Tag("local-runtime")
class SecuredUpIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Path LAUNCHER = Path.of("..", "bin", "hashstream").toAbsolutePath().normalize();

  @TempDir Path work;
  @TempDir Path tree;

  @Test
  void hashesUnderLeastPrivilegeAndAgainAfterARestart() throws Exception {
    Files.writeString(tree.resolve("hello.txt"), "hello");
    Files.createDirectories(tree.resolve("nested"));
    Files.writeString(tree.resolve("nested/inner.txt"), "inner");
    int[] ports = FreePorts.allocate(4);
    Path data = work.resolve("data");
    Path secure = data.resolve("secure");

    Process up = startUp(ports, "first.err");
    List<String> lines = new CopyOnWriteArrayList<>();
    Thread reader = readLines(up, lines);
    try {
      awaitDigest(up, lines, "t/hello.txt", sha256("hello"), Duration.ofMinutes(4));
      awaitDigest(up, lines, "t/nested/inner.txt", sha256("inner"), Duration.ofMinutes(1));

      for (String file : List.of("passwords.properties", "admin.properties", "consumer.properties", "ca.p12", "server.p12")) {
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(secure.resolve(file))))
            .as(file)
            .isEqualTo("rw-------");
      }
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(secure))).isEqualTo("rwx------");
      // Exactly the plan's ACLs exist: the parts ran under these and nothing more.
      try (Admin admin = Admin.create(AclsCommand.kafkaOnly(read(secure.resolve("admin.properties"))))) {
        var acls = admin.describeAcls(AclBindingFilter.ANY).values().get(30, TimeUnit.SECONDS);
        List<AclBinding> planned = SecuredRuntime.plan("hashstream-up").bindings();
        assertThat(acls).containsExactlyInAnyOrderElementsOf(planned);
      }

      Files.delete(tree.resolve("hello.txt"));
      await()
          .atMost(Duration.ofMinutes(1))
          .failFast("up exited", () -> !up.isAlive())
          .until(() -> lines.contains("{\"key\":\"t/hello.txt\",\"deleted\":true}"));
      stop(up);
    } finally {
      up.descendants().forEach(ProcessHandle::destroyForcibly);
      up.destroyForcibly();
      reader.join(Duration.ofSeconds(10));
    }
    assertThat(Files.readString(work.resolve("first.err"), StandardCharsets.UTF_8))
        .contains("TLS: created a CA and a server certificate valid until");

    Process again = startUp(ports, "second.err");
    List<String> moreLines = new CopyOnWriteArrayList<>();
    Thread moreReader = readLines(again, moreLines);
    try {
      await()
          .atMost(Duration.ofMinutes(4))
          .failFast("up exited", () -> !again.isAlive())
          .until(() -> Files.readString(work.resolve("second.err"), StandardCharsets.UTF_8).contains("watching {t="));
      Files.writeString(tree.resolve("after.txt"), "after the restart");
      awaitDigest(again, moreLines, "t/after.txt", sha256("after the restart"), Duration.ofMinutes(2));
      Files.writeString(tree.resolve("nested/inner.txt"), "changed");
      awaitDigest(again, moreLines, "t/nested/inner.txt", sha256("changed"), Duration.ofMinutes(1));
      stop(again);
    } finally {
      again.descendants().forEach(ProcessHandle::destroyForcibly);
      again.destroyForcibly();
      moreReader.join(Duration.ofSeconds(10));
    }
    assertThat(Files.readString(work.resolve("second.err"), StandardCharsets.UTF_8))
        .contains("TLS: the server certificate in")
        .doesNotContain("formatting the broker's storage");
  }

  private static void awaitDigest(Process up, List<String> lines, String key, String digest, Duration within) {
    await()
        .atMost(within)
        .failFast("up exited", () -> !up.isAlive())
        .until(
            () -> {
              for (String line : lines) {
                JsonNode node = JSON.readTree(line);
                if (node.path("key").asText().equals(key) && node.path("digest").asText().equals(digest)) {
                  return true;
                }
              }
              return false;
            });
  }

  private static void stop(Process up) throws Exception {
    new ProcessBuilder("kill", "-TERM", Long.toString(up.pid())).start().waitFor();
    assertThat(up.waitFor(60, TimeUnit.SECONDS)).as("up stops after SIGTERM").isTrue();
    assertThat(up.exitValue()).isZero();
  }

  static Map<String, String> read(Path file) throws java.io.IOException {
    Properties properties = new Properties();
    try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      properties.load(in);
    }
    Map<String, String> map = new HashMap<>();
    properties.stringPropertyNames().forEach(name -> map.put(name, properties.getProperty(name)));
    return map;
  }

  private Process startUp(int[] ports, String stderr) throws java.io.IOException {
    ProcessBuilder builder =
        new ProcessBuilder(
                LAUNCHER.toString(),
                "up",
                "--secure",
                "--root", "t=" + tree,
                "--data-dir", work.resolve("data").toString(),
                "--kafka-port", Integer.toString(ports[0]),
                "--controller-port", Integer.toString(ports[1]),
                "--registry-port", Integer.toString(ports[2]),
                "--registry-management-port", Integer.toString(ports[3]))
            .redirectError(work.resolve(stderr).toFile());
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

  private static String sha256(String content) throws Exception {
    return HexFormat.of()
        .formatHex(MessageDigest.getInstance("SHA-256").digest(content.getBytes(StandardCharsets.UTF_8)));
  }
}
