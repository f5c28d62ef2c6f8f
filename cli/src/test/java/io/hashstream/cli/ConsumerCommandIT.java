package io.hashstream.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.hashstream.testsupport.FreePorts;
import io.hashstream.testsupport.SharedRuntime;
import io.hashstream.testsupport.TestCluster;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** The consumer's start-up errors, as a user meets them: one line, a non-zero exit. */
@ExtendWith(SharedRuntime.class)
class ConsumerCommandIT {
  @TempDir Path work;
  @TempDir Path root;

  @Test
  void aRegistryUnreachableAtStartIsOneLine(TestCluster cluster) throws Exception {
    String registry = "http://127.0.0.1:" + FreePorts.allocate(1)[0] + "/apis/ccompat/v7";
    try (LauncherProcess consumer =
        LauncherProcess.start(
            work,
            "consumer",
            "--bootstrap-servers", cluster.bootstrapServers(),
            "--schema-registry", registry,
            "--instance-id", "no-registry",
            "--hashes-topic", "hashes-no-registry",
            "--root", "t=" + root)) {
      assertThat(consumer.awaitExit(Duration.ofMinutes(1))).isEqualTo(1);
      assertThat(consumer.stderr().lines().filter(line -> line.startsWith("hashstream: ")))
          .singleElement()
          .asString()
          .startsWith("hashstream: cannot reach the schema registry at " + registry);
    }
  }

  @Test
  void aBrokerUnreachableAtStartIsOneLineNamingIt() throws Exception {
    String broker = "127.0.0.1:" + FreePorts.allocate(1)[0];
    try (LauncherProcess consumer =
        LauncherProcess.start(
            work, "consumer", "--bootstrap-servers", broker, "--instance-id", "no-broker", "--root", "t=" + root)) {
      assertThat(consumer.awaitExit(Duration.ofMinutes(1))).isEqualTo(1);
      assertThat(consumer.stderr()).contains("hashstream: cannot reach Kafka at " + broker);
    }
  }
}
