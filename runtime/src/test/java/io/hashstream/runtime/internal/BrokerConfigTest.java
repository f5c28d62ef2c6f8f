package io.hashstream.runtime.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hashstream.runtime.RuntimeSettings;
import java.io.StringReader;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;

class BrokerConfigTest {
  @Test
  void listensOnLoopbackOnlyWithOneReplicaInternalTopics() throws Exception {
    RuntimeSettings settings =
        RuntimeSettings.defaults(Path.of("/data")).withPorts(19092, 19093, 18081, 19000);
    Properties properties = new Properties();
    properties.load(new StringReader(BrokerConfig.serverProperties(settings, Path.of("/data/kafka/data"), null)));

    assertThat(properties.getProperty("listeners"))
        .isEqualTo("PLAINTEXT://127.0.0.1:19092,CONTROLLER://127.0.0.1:19093");
    assertThat(properties.getProperty("advertised.listeners")).isEqualTo("PLAINTEXT://127.0.0.1:19092");
    assertThat(properties.getProperty("controller.quorum.voters")).isEqualTo("1@127.0.0.1:19093");
    assertThat(properties.getProperty("log.dirs")).isEqualTo("/data/kafka/data");
    assertThat(properties)
        .containsEntry("offsets.topic.replication.factor", "1")
        .containsEntry("transaction.state.log.replication.factor", "1")
        .containsEntry("transaction.state.log.min.isr", "1")
        .containsEntry("share.coordinator.state.topic.replication.factor", "1")
        .containsEntry("group.initial.rebalance.delay.ms", "0");
  }

  @Test
  void theUsersPropertiesWinAndNameTheStorageToFormat() throws Exception {
    RuntimeSettings settings =
        RuntimeSettings.defaults(Path.of("/data"))
            .withPorts(19092, 19093, 18081, 19000)
            .withBrokerConfig(Map.of("log.dirs", "/small/a, /small/b", "metadata.log.dir", "/data/meta", "log.retention.ms", "x=y\\z"));
    Properties properties = new Properties();
    properties.load(new StringReader(BrokerConfig.serverProperties(settings, Path.of("/data/kafka/data"), null)));

    assertThat(properties.getProperty("log.dirs")).isEqualTo("/small/a, /small/b");
    assertThat(properties.getProperty("log.retention.ms")).isEqualTo("x=y\\z");
    assertThat(properties.getProperty("listeners")).isEqualTo("PLAINTEXT://127.0.0.1:19092,CONTROLLER://127.0.0.1:19093");
    assertThat(BrokerConfig.storageDirectories(settings, Path.of("/data/kafka/data")))
        .containsExactly(Path.of("/small/a"), Path.of("/small/b"), Path.of("/data/meta"));
    assertThat(BrokerConfig.storageDirectories(RuntimeSettings.defaults(Path.of("/data")), Path.of("/d")))
        .containsExactly(Path.of("/d"));
  }

  @Test
  void whatMakesTheNodeCannotBeReplaced() {
    assertThatThrownBy(() -> RuntimeSettings.defaults(Path.of("/data")).withBrokerConfig(Map.of("node.id", "2")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("the broker property node.id is the local runtime's own and cannot be replaced");
  }
}
