package io.hashstream.schemas.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hashstream.testsupport.TestCluster;
import io.hashstream.schemas.RandomRecords;
import io.hashstream.schemas.Topics;
import io.hashstream.schemas.V1Classes;
import io.hashstream.schemas.avro.FileChangeEvent;
import io.hashstream.testsupport.SharedRuntime;
import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.Map;
import org.apache.avro.generic.IndexedRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Registries where only operators register: {@code auto.register.schemas=false}. */
@ExtendWith(SharedRuntime.class)
class LockedDownRegistryIT {

  private static Map<String, Object> lockedDown(TestCluster runtime, boolean useLatest) {
    Map<String, Object> config = new HashMap<>(Fixtures.serdeConfig(runtime));
    config.put(SerdeConfig.AUTO_REGISTER_SCHEMAS, "false");
    config.put(SerdeConfig.USE_LATEST_VERSION, Boolean.toString(useLatest));
    return config;
  }

  @Test
  void anUnregisteredSchemaFailsClearlyAndARegisteredOneIsFound(TestCluster runtime)
      throws Exception {
    String topic = Fixtures.topic("locked-exact");
    String subject = Topics.valueSubject(topic);
    try (var serializer = new AvroSerializer<FileChangeEvent>(lockedDown(runtime, false), false)) {
      assertThatThrownBy(() -> serializer.serialize(topic, new RandomRecords(1).event()))
          .isInstanceOfSatisfying(
              RegistryRequestException.class, e -> assertThat(e.status()).isEqualTo(404))
          .hasMessageContaining(
              "the schema of io.hashstream.schemas.avro.FileChangeEvent is not registered under"
                  + " subject '" + subject + "', and auto.register.schemas=false");
      assertThat(Fixtures.call("GET", runtime.schemaRegistryUrl() + "/subjects/" + subject + "/versions", null).status())
          .as("the serializer registered nothing")
          .isEqualTo(404);
    }

    int id = Fixtures.registerAsOperator(runtime, subject, FileChangeEvent.getClassSchema());
    try (var serializer = new AvroSerializer<FileChangeEvent>(lockedDown(runtime, false), false)) {
      byte[] bytes = serializer.serialize(topic, new RandomRecords(1).event());
      assertThat(ByteBuffer.wrap(bytes).getInt(1)).isEqualTo(id);
    }
    // Not even the compatibility: a locked-down serializer changes nothing in the registry.
    assertThat(Fixtures.get(runtime, "/config/" + subject).get("compatibilityLevel").asText())
        .isNotEqualTo("FULL_TRANSITIVE");
  }

  @Test
  void useLatestVersionWritesWithTheSubjectsLatestVersion(TestCluster runtime) throws Exception {
    String topic = Fixtures.topic("locked-latest");
    String subject = Topics.valueSubject(topic);
    V1Classes v1 = new V1Classes();
    Fixtures.setCompatibilityAsOperator(runtime, subject, "FULL_TRANSITIVE");
    Fixtures.registerAsOperator(runtime, subject, v1.schema("FileChangeEvent"));
    int latest = Fixtures.registerAsOperator(runtime, subject, FileChangeEvent.getClassSchema());

    // A current producer: its schema is the latest.
    FileChangeEvent event = new RandomRecords(2).event();
    event.setKind(io.hashstream.schemas.avro.ChangeKind.MODIFIED);
    try (var serializer = new AvroSerializer<FileChangeEvent>(lockedDown(runtime, true), false);
        var reader =
            new AvroDeserializer<>(FileChangeEvent.class, Fixtures.serdeConfig(runtime), false)) {
      byte[] bytes = serializer.serialize(topic, event);
      assertThat(ByteBuffer.wrap(bytes).getInt(1)).isEqualTo(latest);
      assertThat(reader.deserialize(topic, bytes)).isEqualTo(event);
    }

    // An old producer: its record is written as the latest version, the new field at its default.
    Class<?> oldType = v1.type("FileChangeEvent");
    byte[] oldBytes = ByteBuffer.allocate(0).array();
    try (var current = new AvroSerializer<FileChangeEvent>(Fixtures.serdeConfig(runtime), false)) {
      // Make an old record by reading a current one with the old classes.
      byte[] currentBytes = current.serialize(topic, event);
      Map<String, Object> oldReaderConfig = new HashMap<>(Fixtures.serdeConfig(runtime));
      oldReaderConfig.put(SerdeConfig.SPECIFIC_AVRO_VALUE_TYPE, oldType);
      try (var oldReader = new AvroDeserializer<IndexedRecord>();
          var oldWriter = new AvroSerializer<IndexedRecord>(lockedDown(runtime, true), false)) {
        oldReader.configure(oldReaderConfig, false);
        IndexedRecord old = v1.withContext(() -> oldReader.deserialize(topic, currentBytes));
        assertThat(old).isNotNull();
        assertThat(old.getClass()).isSameAs(oldType);
        oldBytes = oldWriter.serialize(topic, old);
      }
    }
    assertThat(ByteBuffer.wrap(oldBytes).getInt(1)).isEqualTo(latest);
    try (var reader =
        new AvroDeserializer<>(FileChangeEvent.class, Fixtures.serdeConfig(runtime), false)) {
      FileChangeEvent read = reader.deserialize(topic, oldBytes);
      assertThat(read).isEqualTo(FileChangeEvent.newBuilder(event).setFileIdentity(null).build());
    }
  }

  @Test
  void useLatestVersionOnAnEmptySubjectFailsClearly(TestCluster runtime) {
    String topic = Fixtures.topic("locked-empty");
    try (var serializer = new AvroSerializer<FileChangeEvent>(lockedDown(runtime, true), false)) {
      assertThatThrownBy(() -> serializer.prepare(topic, FileChangeEvent.getClassSchema()))
          .isInstanceOf(RegistryRequestException.class)
          .hasMessageContaining(
              "use.latest.version=true, but subject '" + Topics.valueSubject(topic)
                  + "' has no registered version");
    }
  }
}
