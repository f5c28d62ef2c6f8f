package io.hashstream.producer;

import static io.hashstream.producer.Fixtures.write;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.hashstream.runtime.LocalRuntime;
import io.hashstream.runtime.RuntimeSettings;
import io.hashstream.testsupport.SharedRuntime;
import io.hashstream.testsupport.TestCluster;
import io.hashstream.testsupport.TestRuntimes;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The broker stopped mid-burst and started again later: every change is published once it is back.
 * A broker of this test's own (the shared one must not be stopped), with the shared registry.
 */
@Tag("local-runtime")
@ExtendWith(SharedRuntime.class)
class BrokerOutageIT {
  private static final Logger LOG = LoggerFactory.getLogger(BrokerOutageIT.class);

  @TempDir Path tree;
  @TempDir Path data;

  @Test
  void everyChangeIsPublishedOnceTheBrokerIsBack(TestCluster shared) throws Exception {
    RuntimeSettings brokerSettings = TestRuntimes.settings(data).withoutRegistry();
    LocalRuntime broker = LocalRuntime.start(brokerSettings);
    try {
      TestCluster cluster = TestCluster.of(broker.bootstrapServers(), shared.schemaRegistryUrl());
      ProducerSettings base = Fixtures.settings(cluster, "demo", tree);
      // Sends fail for good after 6 s: the changes in flight when the broker went away must be
      // published again (not resent as they were), once it is back.
      ProducerSettings settings =
          base.withTiming(base.timing().withSettle(Duration.ofMillis(200)))
              .withMaxInFlight(200)
              .withTopics(base.eventsTopic(), base.hashesTopic());
      settings =
          settings.withKafka(
              settings
                  .kafka()
                  .withClientProperties(
                      Map.of(
                          "delivery.timeout.ms", "6000",
                          "request.timeout.ms", "2000",
                          "linger.ms", "50",
                          "reconnect.backoff.max.ms", "500")));
      SimpleMeterRegistry registry = new SimpleMeterRegistry();
      try (FileProducer producer = FileProducer.start(settings, registry)) {
        for (int i = 0; i < 300; i++) {
          write(tree.resolve("before/f" + i), "before " + i);
        }
        // The first wave acknowledged (its deletes below must then be published), then the broker
        // goes away while changes keep coming.
        await().atMost(Duration.ofSeconds(60)).until(() -> producer.progress().published() >= 300);
        broker.close();
        LOG.info("broker stopped");
        for (int i = 0; i < 300; i++) {
          write(tree.resolve("during/f" + i), "during " + i);
        }
        for (int i = 0; i < 100; i++) {
          write(tree.resolve("before/f" + i), "rewritten while the broker was away " + i);
        }
        for (int i = 100; i < 150; i++) {
          Files.delete(tree.resolve("before/f" + i));
        }
        // Long enough for sends to fail for good (delivery timeout) and be marked dirty again.
        await()
            .atMost(Duration.ofSeconds(60))
            .until(() -> registry.counter("hashstream.producer.events.failed").count() > 0);
        assertThat(producer.failure()).isNull();

        broker = LocalRuntime.start(brokerSettings);
        LOG.info("broker started again");
        Map<String, Long> expected = Fixtures.tree(tree);
        try (EventLog log = new EventLog(cluster, settings.eventsTopic())) {
          await()
              .atMost(Duration.ofMinutes(2))
              .pollInSameThread()
              .pollInterval(Duration.ofMillis(500))
              .until(() -> {
                log.poll();
                return log.existing().equals(expected);
              });
          ProducerIT.awaitIdle(producer);
          log.catchUp();
          assertThat(log.existing()).isEqualTo(expected);
          for (int i = 100; i < 150; i++) {
            assertThat(log.of("before/f" + i)).isNotEmpty();
          }
          LOG.info(
              "outage: {} events, {} sends failed for good and were republished",
              log.events().size(),
              registry.counter("hashstream.producer.events.failed").count());
        }
      }
    } finally {
      broker.close();
    }
  }
}
