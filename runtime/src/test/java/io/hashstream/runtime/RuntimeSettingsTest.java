package io.hashstream.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class RuntimeSettingsTest {
  private static final Path DATA = Path.of("/tmp/hashstream-settings-test");

  @Test
  void defaultsAreThePortsKafkaAndConfluentClientsExpect() {
    RuntimeSettings settings = RuntimeSettings.defaults(DATA);
    assertThat(settings.bootstrapServers()).isEqualTo("127.0.0.1:9092");
    assertThat(settings.schemaRegistryUrl()).isEqualTo("http://127.0.0.1:8081/apis/ccompat/v7");
    assertThat(settings.aotCacheDirectory()).isEqualTo(DATA.resolve("aot"));
  }

  @Test
  void refusesAPortGivenTwice() {
    assertThatThrownBy(() -> RuntimeSettings.defaults(DATA).withPorts(9092, 9092, 8081, 9000))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("port 9092 is given both for the Kafka broker and for the KRaft controller");
  }

  @Test
  void refusesAPortOutOfRange() {
    assertThatThrownBy(() -> RuntimeSettings.defaults(DATA).withPorts(9092, 9093, 70000, 9000))
        .hasMessage("the port for the schema registry must be between 1 and 65535, not 70000");
  }

  @Test
  void registryPortsDoNotMatterWithoutARegistry() {
    RuntimeSettings brokerOnly =
        RuntimeSettings.defaults(DATA).withoutRegistry().withPorts(9092, 9093, 9092, 0);
    assertThat(brokerOnly.withRegistry()).isFalse();
  }
}
