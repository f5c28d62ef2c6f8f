package io.hashstream.consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.hashstream.consumer.internal.TestHook;
import io.hashstream.runtime.LocalRuntime;
import io.hashstream.runtime.RuntimeSettings;
import io.hashstream.schemas.avro.ChangeKind;
import io.hashstream.schemas.avro.HashStatus;
import io.hashstream.testsupport.SharedRuntime;
import io.hashstream.testsupport.TestCluster;
import io.hashstream.testsupport.TestRuntimes;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.TransactionDescription;
import org.apache.kafka.clients.admin.TransactionState;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * No fault of the broker stops a consumer: a broker frozen across a commit, one that is down while
 * consumers start, a transaction that the broker ended itself. The first two use a broker of their
 * own (the shared one must not be frozen or stopped), with the shared registry.
 */
@Tag("local-runtime")
@ExtendWith(SharedRuntime.class)
class BrokerFaultsIT {
  private static final Logger LOG = LoggerFactory.getLogger(BrokerFaultsIT.class);
  private static final Duration DEADLINE = Duration.ofMinutes(2);
  /** Short, so that a call to a frozen broker times out within the test's patience. */
  private static final Map<String, String> IMPATIENT =
      Map.of("max.block.ms", "4000", "request.timeout.ms", "3000", "reconnect.backoff.max.ms", "500");

  @TempDir Path root;
  @TempDir Path data;

  @AfterEach
  void releaseHook() {
    System.clearProperty(TestHook.PROPERTY);
    TestHook.release();
  }

  @Test
  void aCommitAcrossAFrozenBrokerIsRetriedAndNothingIsLostOrDuplicated(TestCluster shared) throws Exception {
    RuntimeSettings brokerSettings = TestRuntimes.settings(data).withoutRegistry();
    try (LocalRuntime broker = LocalRuntime.start(brokerSettings)) {
      TestCluster cluster = TestCluster.of(broker.bootstrapServers(), shared.schemaRegistryUrl());
      Map<String, List<Long>> expected = new LinkedHashMap<>();
      String[] topics = sendFiles(cluster, expected, "one", "two", "three");
      System.setProperty(TestHook.PROPERTY, "BEFORE_COMMIT");
      long pid = brokerPid(brokerSettings);
      try (ConsumerRunner consumer = new ConsumerRunner(settings(cluster, topics, "frozen"));
          HashTable table = new HashTable(cluster, topics[1])) {
        await().atMost(DEADLINE).until(TestHook::blocked);
        System.clearProperty(TestHook.PROPERTY);
        signal("STOP", pid);
        try {
          LOG.info("broker frozen across the commit");
          TestHook.release();
          await()
              .atMost(DEADLINE)
              .failFast("the consumer stopped", () -> !consumer.isRunning())
              .until(() -> consumer.count("hashstream.consumer.transaction.commits.retried") >= 1);
          assertThat(consumer.health().status()).isEqualTo(ConsumerHealth.Status.DEGRADED);
        } finally {
          signal("CONT", pid);
        }
        LOG.info("broker resumed");
        await()
            .atMost(DEADLINE)
            .failFast("the consumer stopped", () -> !consumer.isRunning())
            .until(() -> Tables.allAnswered(table.poll(), expected));
        Tables.assertExactlyOnce(table.poll(), expected);
        await().atMost(DEADLINE).until(() -> consumer.health().status() == ConsumerHealth.Status.READY);
        assertThat(consumer.failure()).isNull();
      }
    }
  }

  @Test
  void consumersStartingWhileTheBrokerIsDownWaitForItAndThenHashEverything(TestCluster shared)
      throws Exception {
    RuntimeSettings brokerSettings = TestRuntimes.settings(data).withoutRegistry();
    Map<String, List<Long>> expected = new LinkedHashMap<>();
    String[] topics;
    TestCluster cluster;
    try (LocalRuntime broker = LocalRuntime.start(brokerSettings)) {
      cluster = TestCluster.of(broker.bootstrapServers(), shared.schemaRegistryUrl());
      topics = sendFiles(cluster, expected, "a", "b", "c", "d");
    }
    LOG.info("broker stopped");
    try (ConsumerRunner first = new ConsumerRunner(settings(cluster, topics, "down-1"));
        ConsumerRunner second = new ConsumerRunner(settings(cluster, topics, "down-2"))) {
      // Longer than max.block.ms and than the 30 s for which a start used to wait.
      await()
          .during(Duration.ofSeconds(32))
          .atMost(Duration.ofSeconds(40))
          .until(() -> first.isRunning() && second.isRunning());
      assertThat(first.health().status()).isEqualTo(ConsumerHealth.Status.DEGRADED);
      assertThat(first.health().reason()).contains("has not answered");
      try (LocalRuntime broker = LocalRuntime.start(brokerSettings);
          HashTable table = new HashTable(cluster, topics[1])) {
        LOG.info("broker started again at {}", broker.bootstrapServers());
        await()
            .atMost(DEADLINE)
            .failFast("a consumer stopped", () -> !first.isRunning() || !second.isRunning())
            .until(() -> Tables.allAnswered(table.poll(), expected));
        Tables.assertExactlyOnce(table.poll(), expected);
        assertThat(first.failure()).isNull();
        assertThat(second.failure()).isNull();
        await()
            .atMost(DEADLINE)
            .until(() -> first.health().status() == ConsumerHealth.Status.READY
                && second.health().status() == ConsumerHealth.Status.READY);
      }
    }
  }

  @Test
  void aTransactionTheBrokerExpiredIsRedoneAndNotCalledATakeover(TestCluster cluster) throws Exception {
    Map<String, List<Long>> expected = new LinkedHashMap<>();
    String[] topics = sendFiles(cluster, expected, "slow");
    ConsumerSettings settings =
        settings(cluster, topics, "expired").withTransactionTimeout(Duration.ofSeconds(2));
    System.setProperty(TestHook.PROPERTY, "BEFORE_COMMIT");
    try (ConsumerRunner consumer = new ConsumerRunner(settings);
        HashTable table = new HashTable(cluster, topics[1]);
        Admin admin = Admin.create(cluster.clientConfig())) {
      await().atMost(DEADLINE).until(TestHook::blocked);
      System.clearProperty(TestHook.PROPERTY);
      // The coordinator aborts a transaction past its timeout on its own schedule (every 10 s).
      await()
          .atMost(DEADLINE)
          .pollInterval(Duration.ofMillis(500))
          .until(() -> transactionState(admin, settings.transactionalId()) != TransactionState.ONGOING);
      TestHook.release();
      await()
          .atMost(DEADLINE)
          .failFast("the consumer stopped", () -> !consumer.isRunning())
          .until(() -> Tables.allAnswered(table.poll(), expected));
      Tables.assertExactlyOnce(table.poll(), expected);
      assertThat(consumer.count("hashstream.consumer.producers.renewed")).isGreaterThanOrEqualTo(1);
      assertThat(consumer.failure()).isNull();
      HashTable.Entry entry = table.latest().get("t/slow");
      assertThat(Objects.requireNonNull(Objects.requireNonNull(entry).value()).getStatus())
          .isEqualTo(HashStatus.HASHED);
    }
  }

  @Test
  void aSecondInstanceWithTheSameIdStopsTheFirstWithOneLine(TestCluster cluster) throws Exception {
    Map<String, List<Long>> expected = new LinkedHashMap<>();
    String[] topics = sendFiles(cluster, expected, "x");
    ConsumerSettings settings = settings(cluster, topics, "twin");
    try (ConsumerRunner first = new ConsumerRunner(settings);
        HashTable table = new HashTable(cluster, topics[1])) {
      await().atMost(DEADLINE).until(() -> Tables.allAnswered(table.poll(), expected));
      try (ConsumerRunner second = new ConsumerRunner(settings)) {
        Throwable end = first.awaitEnd(DEADLINE);
        assertThat(end).isInstanceOf(ConsumerStoppedException.class);
        assertThat(Objects.requireNonNull(end).getMessage())
            .contains("another consumer instance with the id 'twin'")
            .doesNotContain("\n");
        assertThat(second.isRunning()).isTrue();
      }
    }
  }

  private static TransactionState transactionState(Admin admin, String transactionalId) throws Exception {
    TransactionDescription description =
        admin.describeTransactions(Set.of(transactionalId)).description(transactionalId).get(10, TimeUnit.SECONDS);
    return description.state();
  }

  private String[] sendFiles(TestCluster cluster, Map<String, List<Long>> expected, String... names)
      throws Exception {
    String[] topics = Tables.freshTopics(cluster, 1);
    try (EventWriter events = new EventWriter(cluster, topics[0])) {
      for (String name : names) {
        Files.writeString(root.resolve(name), "content of " + name);
        RecordMetadata sent = events.send("t", root, name, ChangeKind.CREATED);
        expected.computeIfAbsent("t/" + name, k -> new ArrayList<>()).add(sent.offset());
      }
    }
    return topics;
  }

  private ConsumerSettings settings(TestCluster cluster, String[] topics, String instance) {
    return ConsumerSettings.of(cluster.bootstrapServers(), cluster.schemaRegistryUrl(), instance, Map.of("t", root))
        .withGroup("group-" + topics[1])
        .withTopics(topics[0], topics[1])
        .withClientProperties(IMPATIENT);
  }

  private static long brokerPid(RuntimeSettings settings) throws Exception {
    return Long.parseLong(
        Files.readString(settings.dataDirectory().resolve("kafka/broker.pid"), StandardCharsets.US_ASCII).strip());
  }

  private static void signal(String signal, long pid) throws Exception {
    Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(pid)).inheritIO().start();
    assertThat(kill.waitFor(10, TimeUnit.SECONDS)).isTrue();
    assertThat(kill.exitValue()).as("kill -%s %d", signal, pid).isZero();
  }
}
