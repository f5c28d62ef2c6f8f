package io.hashstream.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code hashstream acls} without a cluster: what it prints for the names it is given. */
class AclsCommandTest {
  @TempDir static Path logs;

  @BeforeAll
  static void logsInATemporaryDirectory() {
    System.setProperty(Launcher.LOG_DIR_PROPERTY, logs.toString());
  }

  @Test
  void printsEveryAclWithItsReasonAndAsKafkaAclsCommandsForTheGivenNames() {
    InProcessRun run =
        InProcessRun.of(
            "acls", "--group", "audit", "--events-topic", "ev", "--hashes-topic", "hs",
            "--consumer-principal", "User:hasher", "--bootstrap-servers", "kafka.example:9093");
    assertThat(run.code()).as(run.err()).isZero();
    List<String> lines = run.out().lines().toList();
    AccessPlan plan = new AccessPlan("ev", "hs", "audit", "User:producer", "User:hasher", "User:reader");
    assertThat(lines).hasSize(2 + 2 * plan.grants().size());
    assertThat(lines)
        .contains(
            "kafka-acls.sh --bootstrap-server kafka.example:9093 --command-config admin.properties --add"
                + " --allow-principal User:hasher --operation Write --transactional-id hashstream-consumer-audit-"
                + " --resource-pattern-type prefixed",
            "kafka-acls.sh --bootstrap-server kafka.example:9093 --command-config admin.properties --add"
                + " --allow-principal User:hasher --operation DescribeConfigs --topic hs",
            "kafka-acls.sh --bootstrap-server kafka.example:9093 --command-config admin.properties --add"
                + " --allow-principal User:hasher --operation Read --group audit",
            "kafka-acls.sh --bootstrap-server kafka.example:9093 --command-config admin.properties --add"
                + " --allow-principal User:hasher --operation Write --topic ev.dlq",
            "kafka-acls.sh --bootstrap-server kafka.example:9093 --command-config admin.properties --add"
                + " --allow-principal User:reader --operation Read --topic hs");
    assertThat(lines).anyMatch(line -> line.matches("User:hasher +Write +prefixed +TransactionalId:hashstream-consumer-audit- .*"));
    // The reader only reads the table, and nobody is given anything on the cluster itself.
    assertThat(lines.stream().filter(line -> line.contains("User:reader")))
        .allMatch(line -> line.contains("Read") && (line.contains("Topic:hs") || line.contains("--topic hs")));
    assertThat(lines).noneMatch(line -> line.contains("--cluster") || line.contains("Cluster:"));
  }

  @Test
  void aPrincipalWithoutItsTypeIsRefused() {
    InProcessRun run = InProcessRun.of("acls", "--reader-principal", "reader");
    assertThat(run.code()).isEqualTo(2);
    assertThat(run.err()).contains("a principal is TYPE:NAME, such as User:alice, not 'reader'");
  }

  @Test
  void theClientConfigurationsBootstrapServersAreUsedWhenNoOptionNamesThem() throws Exception {
    Path config = Files.writeString(logs.resolve("client.properties"), "bootstrap.servers=from-the-file:9095\n");
    InProcessRun run = InProcessRun.of("acls", "--client-config", config.toString());
    assertThat(run.code()).as(run.err()).isZero();
    assertThat(run.out()).contains("--bootstrap-server from-the-file:9095 ");
    InProcessRun option =
        InProcessRun.of("acls", "--client-config", config.toString(), "--bootstrap-servers", "from-the-option:9096");
    assertThat(option.out()).contains("--bootstrap-server from-the-option:9096 ").doesNotContain("from-the-file");
  }
}
