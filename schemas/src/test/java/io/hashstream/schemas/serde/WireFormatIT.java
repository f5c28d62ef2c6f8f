package io.hashstream.schemas.serde;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.hashstream.testsupport.TestCluster;
import io.hashstream.schemas.RandomRecords;
import io.hashstream.schemas.Topics;
import io.hashstream.schemas.avro.FileChangeEvent;
import io.hashstream.schemas.avro.HashResult;
import io.hashstream.testsupport.SharedRuntime;
import java.nio.ByteBuffer;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.specific.SpecificDatumReader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The bytes on the wire, checked by hand: no hashstream code reads them here. */
@ExtendWith(SharedRuntime.class)
class WireFormatIT {

  @Test
  void magicByteThenTheRegistrysIdThenPlainAvroBinary(TestCluster runtime) throws Exception {
    String topic = Fixtures.topic("wire");
    FileChangeEvent event = new RandomRecords(11).event();
    byte[] bytes;
    try (var serializer = new AvroSerializer<FileChangeEvent>(Fixtures.serdeConfig(runtime), false)) {
      bytes = java.util.Objects.requireNonNull(serializer.serialize(topic, event));
    }

    assertThat(bytes[0]).isZero();
    int id = ByteBuffer.wrap(bytes, 1, 4).getInt();
    JsonNode latest = Fixtures.get(runtime, "/subjects/" + Topics.valueSubject(topic) + "/versions/latest");
    assertThat(latest.get("id").asInt()).isEqualTo(id);
    assertThat(latest.get("version").asInt()).isEqualTo(1);
    Schema registered =
        new Schema.Parser().parse(Fixtures.get(runtime, "/schemas/ids/" + id).get("schema").asText());
    assertThat(registered).isEqualTo(FileChangeEvent.getClassSchema());

    BinaryDecoder decoder = DecoderFactory.get().binaryDecoder(bytes, 5, bytes.length - 5, null);
    FileChangeEvent decoded = new SpecificDatumReader<>(FileChangeEvent.class).read(null, decoder);
    assertThat(decoded).isEqualTo(event);
    assertThat(decoder.isEnd()).isTrue();

    GenericRecord generic =
        new GenericDatumReader<GenericRecord>(registered)
            .read(null, DecoderFactory.get().binaryDecoder(bytes, 5, bytes.length - 5, null));
    assertThat(generic.get("path").toString()).isEqualTo(event.getPath());
    assertThat(generic.get("eventId").toString()).isEqualTo(event.getEventId().toString());
  }

  @Test
  void theSameSchemaGetsTheSameIdAndEachTypeItsOwnSubject(TestCluster runtime) throws Exception {
    String topic = Fixtures.topic("wire-two");
    String other = Fixtures.topic("wire-other");
    try (var events = new AvroSerializer<FileChangeEvent>(Fixtures.serdeConfig(runtime), false);
        var results = new AvroSerializer<HashResult>(Fixtures.serdeConfig(runtime), false)) {
      RandomRecords random = new RandomRecords(12);
      int first = ByteBuffer.wrap(events.serialize(topic, random.event())).getInt(1);
      int second = ByteBuffer.wrap(events.serialize(topic, random.event())).getInt(1);
      int result = ByteBuffer.wrap(results.serialize(other, random.result())).getInt(1);

      assertThat(second).isEqualTo(first);
      assertThat(result).isNotEqualTo(first);
      assertThat(Fixtures.get(runtime, "/subjects/" + Topics.valueSubject(other) + "/versions/latest").get("id").asInt())
          .isEqualTo(result);
    }
  }

  @Test
  void aNewSubjectGetsFullTransitiveCompatibility(TestCluster runtime) throws Exception {
    String topic = Fixtures.topic("wire-compat");
    try (var serializer = new AvroSerializer<FileChangeEvent>(Fixtures.serdeConfig(runtime), false)) {
      serializer.prepare(topic, FileChangeEvent.getClassSchema());
    }

    JsonNode config = Fixtures.get(runtime, "/config/" + Topics.valueSubject(topic));
    assertThat(config.get("compatibilityLevel").asText()).isEqualTo("FULL_TRANSITIVE");
  }

  @Test
  void anOperatorsCompatibilityIsNeverOverridden(TestCluster runtime) throws Exception {
    String topic = Fixtures.topic("wire-operator");
    String subject = Topics.valueSubject(topic);
    Fixtures.setCompatibilityAsOperator(runtime, subject, "BACKWARD");
    try (var serializer = new AvroSerializer<FileChangeEvent>(Fixtures.serdeConfig(runtime), false)) {
      serializer.prepare(topic, FileChangeEvent.getClassSchema());
    }

    assertThat(Fixtures.get(runtime, "/config/" + subject).get("compatibilityLevel").asText())
        .isEqualTo("BACKWARD");
  }

  @Test
  void anExistingSubjectWithoutItsOwnSettingIsLeftAlone(TestCluster runtime) throws Exception {
    String topic = Fixtures.topic("wire-existing");
    String subject = Topics.valueSubject(topic);
    Fixtures.registerAsOperator(runtime, subject, FileChangeEvent.getClassSchema());
    String before = Fixtures.get(runtime, "/config/" + subject).get("compatibilityLevel").asText();
    try (var serializer = new AvroSerializer<FileChangeEvent>(Fixtures.serdeConfig(runtime), false)) {
      serializer.prepare(topic, FileChangeEvent.getClassSchema());
    }

    assertThat(Fixtures.get(runtime, "/config/" + subject).get("compatibilityLevel").asText())
        .isEqualTo(before)
        .isNotEqualTo("FULL_TRANSITIVE");
  }
}
