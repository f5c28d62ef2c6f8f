package io.hashstream.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.hashstream.schemas.avro.FileChangeEvent;
import io.hashstream.schemas.serde.AvroDeserializer;
import io.hashstream.schemas.serde.SerdeConfig;
import io.hashstream.testsupport.FreePorts;
import io.hashstream.testsupport.SharedRuntime;
import io.hashstream.testsupport.TestCluster;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** {@code hashstream producer} as a user runs it: a child JVM with the launcher's class path. */
@ExtendWith(SharedRuntime.class)
class ProducerCommandIT {
  private static final Path LIB = Path.of("target", "lib").toAbsolutePath();

  @TempDir Path work;

  @Test
  void anUnreachableBrokerIsOneLineNamingTheAddressWithin30Seconds() throws Exception {
    String address = "127.0.0.1:" + FreePorts.allocate(1)[0];
    Files.createDirectories(work.resolve("tree"));
    long start = System.nanoTime();
    try (Child child = Child.start(work, "producer", "--bootstrap-servers", address, "--root", "demo=" + work.resolve("tree"))) {
      assertThat(child.process.waitFor(30, TimeUnit.SECONDS)).as("exited within 30 s").isTrue();
      assertThat(child.process.exitValue()).isEqualTo(1);
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(30));
      List<String> errors = child.stderr().lines().filter(line -> line.startsWith("hashstream: ")).toList();
      assertThat(errors)
          .containsExactly(
              "hashstream: cannot reach Kafka at " + address + " within 15 s: is the broker running?"
                  + " ('hashstream local' starts one; --bootstrap-servers chooses another)");
      // One line: no Kafka client warning per reconnect attempt before it.
      assertThat(child.stderr()).doesNotContain("Exception").doesNotContain("WARN");
    }
  }

  @Test
  void publishesChangesAndStopsWithStatusZeroOnSigterm(TestCluster cluster) throws Exception {
    Path tree = Files.createDirectories(work.resolve("tree"));
    Files.writeString(tree.resolve("existing.txt"), "here before");
    String topic = "cli-events-" + UUID.randomUUID();
    try (Child child =
        Child.start(
            work,
            "producer",
            "--bootstrap-servers", cluster.bootstrapServers(),
            "--schema-registry", cluster.schemaRegistryUrl(),
            "--root", "demo=" + tree,
            "--producer-id", "cli-test",
            "--events-topic", topic,
            "--hashes-topic", "cli-hashes-" + UUID.randomUUID(),
            "--partitions", "2",
            "--settle", "200ms")) {
      await()
          .atMost(Duration.ofSeconds(60))
          .failFast("the producer exited: " + child.stderrIfExited(), () -> !child.process.isAlive())
          .until(() -> child.stdout.stream().anyMatch(line -> line.startsWith("watching demo=")));
      Files.writeString(tree.resolve("new file.txt"), "created while watching");

      try (KafkaConsumer<String, FileChangeEvent> consumer = consumer(cluster)) {
        List<TopicPartition> partitions = List.of(new TopicPartition(topic, 0), new TopicPartition(topic, 1));
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        List<String> keys = new ArrayList<>();
        await()
            .atMost(Duration.ofSeconds(60))
            .pollInSameThread()
            .until(() -> {
              for (ConsumerRecord<String, FileChangeEvent> record : consumer.poll(Duration.ofMillis(200))) {
                keys.add(record.key());
                assertThat(record.value().getProducerId()).isEqualTo("cli-test");
              }
              return keys.containsAll(List.of("demo/existing.txt", "demo/new file.txt"));
            });
      }
      child.process.destroy();
      assertThat(child.process.waitFor(60, TimeUnit.SECONDS)).isTrue();
      assertThat(child.process.exitValue()).isZero();
      assertThat(child.stderr()).contains("stopping the producer").doesNotContain("Exception");
    }
  }

  private static KafkaConsumer<String, FileChangeEvent> consumer(TestCluster cluster) {
    return new KafkaConsumer<>(
        cluster.clientConfig(),
        new StringDeserializer(),
        new AvroDeserializer<>(
            FileChangeEvent.class, Map.of(SerdeConfig.SCHEMA_REGISTRY_URL, cluster.schemaRegistryUrl()), false));
  }

  /** The launcher's Java side in a child JVM, under a UTF-8 locale as bin/hashstream runs it. */
  private static final class Child implements AutoCloseable {
    final Process process;
    final List<String> stdout = new CopyOnWriteArrayList<>();
    final Path stderr;

    private Child(Process process, Path stderr) {
      this.process = process;
      this.stderr = stderr;
      Thread.ofPlatform().daemon().start(this::collect);
    }

    static Child start(Path work, String... args) throws IOException {
      List<String> command = new ArrayList<>();
      command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
      command.add("-XX:+UseSerialGC");
      command.add("--enable-native-access=ALL-UNNAMED");
      command.add("-Dhashstream.log.dir=" + work.resolve("logs"));
      command.add("-cp");
      command.add(LIB + "/*");
      command.add(Main.class.getName());
      command.addAll(List.of(args));
      Path stderr = Files.createTempFile(work, "producer", ".err");
      ProcessBuilder builder =
          new ProcessBuilder(command)
              .directory(work.toFile())
              .redirectError(stderr.toFile())
              .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
      builder.environment().put("LC_ALL", "C.UTF-8");
      return new Child(builder.start(), stderr);
    }

    private void collect() {
      try (BufferedReader reader =
          new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
        for (String line = reader.readLine(); line != null; line = reader.readLine()) {
          stdout.add(line);
        }
      } catch (IOException e) {
        // The process is gone; the lines read so far are all there is.
      }
    }

    String stderr() throws IOException {
      return Files.readString(stderr, StandardCharsets.UTF_8);
    }

    String stderrIfExited() {
      try {
        return process.isAlive() ? "" : stderr();
      } catch (IOException e) {
        return e.toString();
      }
    }

    @Override
    public void close() {
      process.descendants().forEach(ProcessHandle::destroyForcibly);
      process.destroyForcibly();
    }
  }
}
