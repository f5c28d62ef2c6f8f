package io.hashstream.producer.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.hashstream.producer.KafkaSettings;
import io.hashstream.producer.ProducerSettings;
import io.hashstream.producer.WatchedRoot;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class KafkaConfigsTest {
  private static ProducerSettings settings(Map<String, String> file) {
    return ProducerSettings.of(
        "p1",
        List.of(WatchedRoot.of("r", Path.of("/tmp"))),
        KafkaSettings.of("explicit:9092", "http://explicit:8081").withClientProperties(file));
  }

  @Test
  void explicitOptionsWinOverTheFileAndTheGuaranteesAreEnforced() {
    Map<String, Object> config =
        KafkaConfigs.producer(
            settings(
                Map.of(
                    "bootstrap.servers", "from-file:9092",
                    "acks", "1",
                    "linger.ms", "5",
                    "security.protocol", "SASL_SSL",
                    "schema.registry.url", "http://from-file",
                    "basic.auth.user.info", "u:p")));
    assertThat(config)
        .containsEntry("bootstrap.servers", "explicit:9092")
        .containsEntry("acks", "all")
        .containsEntry("enable.idempotence", "true")
        .containsEntry("linger.ms", "5")
        .containsEntry("security.protocol", "SASL_SSL")
        .containsEntry("compression.type", "lz4")
        .doesNotContainKeys("schema.registry.url", "basic.auth.user.info");
    assertThat(KafkaConfigs.serde(settings(Map.of("schema.registry.url", "http://from-file", "basic.auth.user.info", "u:p")).kafka()))
        .containsEntry("schema.registry.url", "http://explicit:8081")
        .containsEntry("basic.auth.user.info", "u:p");
  }

  @Test
  void theIndexIsReadCommittedOnlyWithoutAGroup() {
    Map<String, Object> config = KafkaConfigs.hashTableConsumer(settings(Map.of("group.id", "g")));
    assertThat(config)
        .containsEntry("isolation.level", "read_committed")
        .containsEntry("enable.auto.commit", false)
        .doesNotContainKey("group.id");
  }
}
