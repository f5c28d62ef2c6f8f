package io.hashstream.schemas.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hashstream.testsupport.TestCluster;
import io.hashstream.schemas.EarlierSchemas;
import io.hashstream.schemas.RandomRecords;
import io.hashstream.schemas.Topics;
import io.hashstream.schemas.V1Classes;
import io.hashstream.schemas.avro.ChangeKind;
import io.hashstream.schemas.avro.FileChangeEvent;
import io.hashstream.schemas.avro.HashResult;
import io.hashstream.schemas.avro.HashStatus;
import io.hashstream.schemas.avro.NamedDigest;
import io.hashstream.testsupport.SharedRuntime;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.generic.IndexedRecord;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Schema evolution both ways, against the real registry: records of the earlier version (classes
 * generated from {@code src/test/avro-v1}, loaded apart as an old application would have them) are
 * read by the current classes, and records of the current version by the earlier classes.
 */
@ExtendWith(SharedRuntime.class)
class SchemaEvolutionIT {
  private final V1Classes v1 = new V1Classes();

  @Test
  void theEarlierClassesAreReallyTheEarlierSchema() {
    assertThat(v1.type("FileChangeEvent")).isNotSameAs(FileChangeEvent.class);
    assertThat(v1.schema("FileChangeEvent").getField("fileIdentity")).isNull();
    assertThat(v1.schema("HashResult").getField("fileType")).isNull();
    assertThat(v1.schema("FileChangeEvent").getField("kind").schema().getEnumSymbols())
        .doesNotContain("FOUND");
  }

  @Test
  void oldEventsAreReadByTheCurrentClassesAndNewEventsByTheOldClasses(TestCluster runtime)
      throws Exception {
    String topic = Fixtures.topic("evolution-events");
    Map<String, Object> config = Fixtures.serdeConfig(runtime);
    RandomRecords random = new RandomRecords(77);

    // An old producer writes first: the subject starts at the earlier version.
    FileChangeEvent template = random.event();
    template.setKind(ChangeKind.MODIFIED);
    IndexedRecord old = v1Event(template);
    byte[] oldBytes;
    try (var serializer = new AvroSerializer<IndexedRecord>(config, false)) {
      oldBytes = serializer.serialize(topic, old);
    }

    // A current producer writes next: the registry accepts the new version as FULL_TRANSITIVE.
    FileChangeEvent current = random.event();
    current.setKind(ChangeKind.FOUND);
    current.setFileIdentity(new io.hashstream.schemas.avro.FileIdentity(5L, 6L));
    current.setStatusChanged(java.time.Instant.parse("2026-12-03T08:00:00.123456789Z"));
    byte[] newBytes;
    try (var serializer = new AvroSerializer<FileChangeEvent>(config, false)) {
      newBytes = serializer.serialize(topic, current);
    }
    assertThat(Fixtures.get(runtime, "/subjects/" + Topics.valueSubject(topic) + "/versions"))
        .hasSize(2);
    assertThat(Fixtures.get(runtime, "/config/" + Topics.valueSubject(topic)).get("compatibilityLevel").asText())
        .isEqualTo("FULL_TRANSITIVE");

    // The current reader reads the old record: the added field takes its default.
    try (var reader = new AvroDeserializer<>(FileChangeEvent.class, config, false)) {
      FileChangeEvent read = reader.deserialize(topic, oldBytes);
      FileChangeEvent expected =
          FileChangeEvent.newBuilder(template).setFileIdentity(null).setStatusChanged(null).build();
      assertThat(read).isEqualTo(expected);
      assertThat(reader.deserialize(topic, newBytes)).isEqualTo(current);
    }

    // The old reader reads the new record: the unknown field is skipped, the unknown symbol FOUND
    // falls back to the enum's default.
    try (var reader = oldReader(config, "FileChangeEvent")) {
      Object read = v1.withContext(() -> reader.deserialize(topic, newBytes));
      assertThat(read).isNotNull();
      assertThat(read.getClass()).isSameAs(v1.type("FileChangeEvent"));
      assertThat(String.valueOf(V1Classes.invoke(read, "getKind"))).isEqualTo("UNKNOWN");
      assertThat(V1Classes.invoke(read, "getPath")).isEqualTo(current.getPath());
      assertThat(V1Classes.invoke(read, "getEventId")).isEqualTo(current.getEventId());
      assertThat(V1Classes.invoke(read, "getModified")).isEqualTo(current.getModified());
      assertThat(Arrays.stream(read.getClass().getMethods()).map(m -> m.getName()))
          .doesNotContain("getFileIdentity", "getStatusChanged");
      Object readOld = v1.withContext(() -> reader.deserialize(topic, oldBytes));
      assertThat(readOld).isEqualTo(old);
    }
  }

  @Test
  void newHashStatusesFallBackToTheDefaultForOldReaders(TestCluster runtime) throws Exception {
    String topic = Fixtures.topic("evolution-results");
    Map<String, Object> config = Fixtures.serdeConfig(runtime);
    try (var serializer = new AvroSerializer<IndexedRecord>(config, false)) {
      serializer.prepare(topic, v1.schema("HashResult"));
    }
    HashResult unstable = new RandomRecords(78).result();
    unstable.setStatus(HashStatus.UNSTABLE);
    unstable.setDigest(null);
    byte[] bytes;
    try (var serializer = new AvroSerializer<HashResult>(config, false)) {
      bytes = serializer.serialize(topic, unstable);
    }

    try (var reader = oldReader(config, "HashResult")) {
      Object read = v1.withContext(() -> reader.deserialize(topic, bytes));
      assertThat(read).isNotNull();
      assertThat(String.valueOf(V1Classes.invoke(read, "getStatus"))).isEqualTo("UNKNOWN");
      assertThat(V1Classes.invoke(read, "getReason")).isEqualTo(unstable.getReason());
      assertThat(String.valueOf(V1Classes.invoke(read, "getSource")))
          .isEqualTo(unstable.getSource().toString());
    }
  }

  @Test
  void resultsWithFurtherDigestsAreAcceptedAfterEveryEarlierVersionAndReadByTheOldClasses(
      TestCluster runtime) throws Exception {
    String topic = Fixtures.topic("evolution-digests");
    Map<String, Object> config = Fixtures.serdeConfig(runtime);
    Schema beforeDigests = EarlierSchemas.HASH_RESULT_BEFORE_DIGESTS;
    try (var serializer = new AvroSerializer<IndexedRecord>(config, false)) {
      serializer.prepare(topic, v1.schema("HashResult"));
      serializer.prepare(topic, beforeDigests);
    }
    HashResult hashed = new RandomRecords(79).result();
    hashed.setStatus(HashStatus.HASHED);
    java.nio.ByteBuffer sha256 = java.nio.ByteBuffer.wrap(new byte[32]);
    hashed.setDigest(sha256);
    hashed.setDigests(
        java.util.List.of(
            new NamedDigest("SHA-256", sha256),
            new NamedDigest("BLAKE3", java.nio.ByteBuffer.wrap(new byte[32])),
            new NamedDigest("XXH3", java.nio.ByteBuffer.wrap(new byte[8]))));
    byte[] bytes;
    try (var serializer = new AvroSerializer<HashResult>(config, false)) {
      bytes = serializer.serialize(topic, hashed);
    }
    // The registry checked the new version against both earlier ones (FULL_TRANSITIVE).
    assertThat(Fixtures.get(runtime, "/subjects/" + Topics.valueSubject(topic) + "/versions"))
        .hasSize(3);

    try (var reader = oldReader(config, "HashResult")) {
      Object read = v1.withContext(() -> reader.deserialize(topic, bytes));
      assertThat(read).isNotNull();
      assertThat(String.valueOf(V1Classes.invoke(read, "getAlgorithm"))).isEqualTo("SHA-256");
      assertThat(V1Classes.invoke(read, "getDigest")).isEqualTo(sha256);
      assertThat(Arrays.stream(read.getClass().getMethods()).map(m -> m.getName()))
          .doesNotContain("getDigests");
    }
    try (var reader = new AvroDeserializer<>(HashResult.class, config, false)) {
      assertThat(reader.deserialize(topic, bytes)).isEqualTo(hashed);
    }
  }

  @Test
  void anIncompatibleChangeIsRefusedNamingTheSubjectAndTheField(TestCluster runtime)
      throws Exception {
    String topic = Fixtures.topic("evolution-incompatible");
    String subject = Topics.valueSubject(topic);
    Map<String, Object> config = Fixtures.serdeConfig(runtime);
    Schema withRequiredField = addField(FileChangeEvent.getClassSchema(), "owner", "\"string\"", null);
    try (var serializer = new AvroSerializer<FileChangeEvent>(config, false)) {
      int id = serializer.prepare(topic, FileChangeEvent.getClassSchema());

      assertThatThrownBy(() -> serializer.prepare(topic, withRequiredField))
          .isInstanceOfSatisfying(
              IncompatibleSchemaException.class,
              e -> {
                assertThat(e.subject()).isEqualTo(subject);
                assertThat(e.status()).isEqualTo(409);
                assertThat(e.incompatibilities()).anyMatch(f -> f.contains("owner"));
              })
          .hasMessageContaining("subject '" + subject + "'")
          .hasMessageContaining("FULL_TRANSITIVE")
          .hasMessageContaining(
              "the new schema cannot read version 1: READER_FIELD_MISSING_DEFAULT_VALUE at field"
                  + " 'owner'");

      // Nothing was registered, and the compatible schema still works.
      assertThat(Fixtures.get(runtime, "/subjects/" + subject + "/versions")).hasSize(1);
      assertThat(serializer.prepare(topic, FileChangeEvent.getClassSchema())).isEqualTo(id);
    }
  }

  @Test
  void anOptionalFieldWithADefaultIsACompatibleChange(TestCluster runtime) throws Exception {
    String topic = Fixtures.topic("evolution-compatible");
    Map<String, Object> config = Fixtures.serdeConfig(runtime);
    Schema withOptionalField =
        addField(FileChangeEvent.getClassSchema(), "owner", "[\"null\",\"string\"]", "null");
    try (var serializer = new AvroSerializer<FileChangeEvent>(config, false)) {
      int first = serializer.prepare(topic, FileChangeEvent.getClassSchema());
      int second = serializer.prepare(topic, withOptionalField);
      assertThat(second).isNotEqualTo(first);
    }
  }

  private AvroDeserializer<IndexedRecord> oldReader(Map<String, Object> config, String type) {
    Map<String, Object> oldConfig = new HashMap<>(config);
    oldConfig.put(SerdeConfig.SPECIFIC_AVRO_VALUE_TYPE, v1.type(type));
    AvroDeserializer<IndexedRecord> reader = new AvroDeserializer<>();
    reader.configure(oldConfig, false);
    return reader;
  }

  /** The earlier-version event with the template's values (it has no file identity). */
  private IndexedRecord v1Event(FileChangeEvent template) {
    Class<?> type = v1.type("FileChangeEvent");
    Object builder = V1Classes.invokeStatic(type, "newBuilder");
    V1Classes.invoke(builder, "setEventId", template.getEventId());
    V1Classes.invoke(builder, "setProducerId", template.getProducerId());
    V1Classes.invoke(builder, "setRoot", template.getRoot());
    V1Classes.invoke(builder, "setPath", template.getPath());
    V1Classes.invoke(builder, "setKind", enumConstant(v1.type("ChangeKind"), template.getKind().name()));
    V1Classes.invoke(builder, "setSize", template.getSize());
    V1Classes.invoke(builder, "setModified", template.getModified());
    V1Classes.invoke(builder, "setEpoch", template.getEpoch());
    V1Classes.invoke(builder, "setSequence", template.getSequence());
    V1Classes.invoke(builder, "setDetectedAt", template.getDetectedAt());
    Object built = V1Classes.invoke(builder, "build");
    return (IndexedRecord) java.util.Objects.requireNonNull(built);
  }

  private static Object enumConstant(Class<?> type, String name) {
    return Arrays.stream(type.getEnumConstants())
        .filter(c -> ((Enum<?>) c).name().equals(name))
        .findFirst()
        .orElseThrow();
  }

  /** {@code schema} with one more field; {@code defaultJson} null for none. */
  private static Schema addField(
      Schema schema, String name, String typeJson, @Nullable String defaultJson)
      throws Exception {
    ObjectMapper json = new ObjectMapper();
    ObjectNode root = (ObjectNode) json.readTree(schema.toString());
    ObjectNode field = json.createObjectNode().put("name", name);
    field.set("type", json.readTree(typeJson));
    if (defaultJson != null) {
      field.set("default", json.readTree(defaultJson));
    }
    ((ArrayNode) root.get("fields")).add(field);
    return new Schema.Parser().parse(root.toString());
  }
}
