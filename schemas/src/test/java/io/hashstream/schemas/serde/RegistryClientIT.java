package io.hashstream.schemas.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hashstream.testsupport.TestCluster;
import io.hashstream.schemas.Topics;
import io.hashstream.schemas.avro.FileChangeEvent;
import io.hashstream.schemas.avro.HashResult;
import io.hashstream.schemas.internal.RegistryClient;
import io.hashstream.schemas.internal.RegistrySettings;
import io.hashstream.testsupport.SharedRuntime;
import java.util.HashMap;
import java.util.Map;
import org.apache.avro.Schema;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The registry client (internal) against the real registry, behind a counting proxy: what it asks,
 * what it caches, and how a refusal reads.
 */
@ExtendWith(SharedRuntime.class)
class RegistryClientIT {

  private static RegistryClient client(String url) {
    Map<String, Object> config = new HashMap<>();
    config.put(SerdeConfig.SCHEMA_REGISTRY_URL, url);
    config.put(SerdeConfig.MAX_RETRIES, 1);
    config.put(SerdeConfig.RETRIES_WAIT_MS, 10);
    return new RegistryClient(RegistrySettings.from(SerdeConfig.definition().parse(config)));
  }

  @Test
  void registersLooksUpAndCachesInBothDirections(TestCluster runtime) throws Exception {
    String subject = Topics.valueSubject(Fixtures.topic("client-cache"));
    Schema schema = FileChangeEvent.getClassSchema();
    try (var proxy = new RegistryProxy(runtime.schemaRegistryUrl(), null);
        var client = client(proxy.url("http"))) {
      int id = client.register(subject, schema);
      int afterRegister = proxy.requests();

      assertThat(client.register(subject, schema)).isEqualTo(id);
      assertThat(client.lookUpId(subject, schema)).isEqualTo(id);
      assertThat(client.schemaById(id)).isEqualTo(schema);
      assertThat(proxy.requests()).as("answered from the cache").isEqualTo(afterRegister);

      try (var fresh = client(proxy.url("http"))) {
        assertThat(fresh.schemaById(id)).isEqualTo(schema);
        assertThat(fresh.lookUpId(subject, schema)).isEqualTo(id);
        int afterFresh = proxy.requests();
        assertThat(fresh.schemaById(id)).isEqualTo(schema);
        assertThat(fresh.lookUpId(subject, schema)).isEqualTo(id);
        assertThat(proxy.requests()).isEqualTo(afterFresh);
      }
    }
  }

  @Test
  void readsSetsAndTestsCompatibility(TestCluster runtime) {
    String subject = Topics.valueSubject(Fixtures.topic("client-compat"));
    try (var client = client(runtime.schemaRegistryUrl())) {
      assertThat(client.subjectCompatibility(subject)).isEmpty();
      assertThat(client.versions(subject)).isEmpty();
      assertThat(client.isCompatible(subject, FileChangeEvent.getClassSchema())).isTrue();

      client.setCompatibility(subject, "FULL_TRANSITIVE");
      client.register(subject, FileChangeEvent.getClassSchema());

      assertThat(client.subjectCompatibility(subject)).contains("FULL_TRANSITIVE");
      assertThat(client.versions(subject)).containsExactly(1);
      assertThat(client.latest(subject).schema()).isEqualTo(FileChangeEvent.getClassSchema());
      assertThat(client.isCompatible(subject, FileChangeEvent.getClassSchema())).isTrue();
      assertThat(client.isCompatible(subject, HashResult.getClassSchema())).isFalse();
    }
  }

  @Test
  void aRefusalCarriesTheStatusTheErrorCodeAndTheMessage(TestCluster runtime) {
    String subject = Topics.valueSubject(Fixtures.topic("client-refusal"));
    try (var client = client(runtime.schemaRegistryUrl())) {
      assertThatThrownBy(() -> client.lookUpId(subject, FileChangeEvent.getClassSchema()))
          .isInstanceOfSatisfying(
              RegistryRequestException.class,
              e -> {
                assertThat(e.status()).isEqualTo(404);
                assertThat(e.errorCode()).isEqualTo(RegistryRequestException.SUBJECT_NOT_FOUND);
                assertThat(e.registryMessage()).contains(subject);
              })
          .hasMessageContaining("the schema registry refused to look up a schema under subject '" + subject + "' (HTTP 404, error code 40401");
      assertThatThrownBy(() -> client.setCompatibility(subject, "SOMETIMES"))
          .isInstanceOfSatisfying(
              RegistryRequestException.class,
              e -> {
                assertThat(e.status()).isEqualTo(422);
                assertThat(e.errorCode()).isEqualTo(42203);
              });
    }
  }
}
