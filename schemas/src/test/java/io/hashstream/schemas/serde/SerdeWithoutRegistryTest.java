package io.hashstream.schemas.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hashstream.schemas.RandomRecords;
import io.hashstream.schemas.Topics;
import io.hashstream.schemas.avro.FileChangeEvent;
import io.hashstream.testsupport.FreePorts;
import java.time.Duration;
import java.util.Map;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;

/** What the serde decides before, or without, a registry: bad headers, a registry that is down. */
class SerdeWithoutRegistryTest {

  /** A registry URL where nothing listens: every connection is refused at once. */
  private static Map<String, Object> downRegistry() {
    int port = FreePorts.allocate(1)[0];
    return Map.of(
        SerdeConfig.SCHEMA_REGISTRY_URL, "http://127.0.0.1:" + port,
        SerdeConfig.MAX_RETRIES, 2,
        SerdeConfig.RETRIES_WAIT_MS, 50,
        SerdeConfig.RETRIES_MAX_WAIT_MS, 80);
  }

  private static AvroDeserializer<FileChangeEvent> deserializer() {
    return new AvroDeserializer<>(FileChangeEvent.class, downRegistry(), false);
  }

  @Test
  void aNullValueIsATombstoneAndReadsAsNull() {
    try (var deserializer = deserializer();
        var serializer = new AvroSerializer<FileChangeEvent>(downRegistry(), false)) {
      assertThat(deserializer.deserialize(Topics.HASHES, null)).isNull();
      assertThat(serializer.serialize(Topics.HASHES, null)).isNull();
    }
  }

  @Test
  void aWrongMagicByteIsABadRecord() {
    try (var deserializer = deserializer()) {
      assertThatThrownBy(
              () -> deserializer.deserialize("t1", new byte[] {1, 0, 0, 0, 7, 2, 'a'}))
          .isInstanceOf(InvalidRecordException.class)
          .hasMessage(
              "cannot decode a record of topic 't1': unknown magic byte 0x01 (expected 0x00, the"
                  + " Confluent wire format): the value was not written by a Confluent-compatible"
                  + " Avro serializer");
      assertThatThrownBy(() -> deserializer.deserialize("t1", "{\"json\":1}".getBytes(java.nio.charset.StandardCharsets.UTF_8)))
          .isInstanceOf(InvalidRecordException.class)
          .hasMessageContaining("unknown magic byte 0x7b");
      assertThatThrownBy(() -> deserializer.deserialize("t1", new byte[] {(byte) 0xC3}))
          .isInstanceOf(InvalidRecordException.class)
          .hasMessageContaining("unknown magic byte 0xc3");
    }
  }

  @Test
  void aValueShorterThanTheHeaderIsABadRecord() {
    try (var deserializer = deserializer()) {
      assertThatThrownBy(() -> deserializer.deserialize("t2", new byte[0]))
          .isInstanceOf(InvalidRecordException.class)
          .hasMessageContaining("topic 't2'")
          .hasMessageContaining("the value is 0 bytes long, shorter than the wire format's header");
      assertThatThrownBy(() -> deserializer.deserialize("t2", new byte[] {0, 0, 1}))
          .isInstanceOf(InvalidRecordException.class)
          .hasMessageContaining("the value is 3 bytes long")
          .hasMessageContaining("truncated");
    }
  }

  @Test
  void aRegistryThatIsDownIsTransientAndFailsAfterBoundedRetries() {
    try (var deserializer = deserializer()) {
      long started = System.nanoTime();
      Throwable failure =
          org.assertj.core.api.Assertions.catchThrowable(
              () -> deserializer.deserialize("t3", new byte[] {0, 0, 0, 0, 42, 2}));
      Duration took = Duration.ofNanos(System.nanoTime() - started);

      assertThat(failure)
          .isInstanceOf(RegistryUnavailableException.class)
          .hasMessageStartingWith(
              "the schema registry is unavailable: could not read the schema with id 42 after 3"
                  + " attempts")
          .hasMessageContaining("ConnectException");
      assertThat(SerdeFailures.classify(failure)).isEqualTo(SerdeFailures.Kind.TRANSIENT);
      assertThat(took).isLessThan(Duration.ofSeconds(10));
    }
  }

  @Test
  void aRegistryThatIsDownAtStartFailsPrepareClearly() {
    try (var serializer = new AvroSerializer<FileChangeEvent>(downRegistry(), false)) {
      assertThatThrownBy(() -> serializer.prepare(Topics.EVENTS, FileChangeEvent.getClassSchema()))
          .isInstanceOf(RegistryUnavailableException.class)
          .hasMessageContaining("the schema registry is unavailable")
          .hasMessageContaining("hashstream.events-value")
          .hasMessageContaining("after 3 attempts");
      assertThatThrownBy(() -> serializer.serialize(Topics.EVENTS, new RandomRecords(1).event()))
          .isInstanceOf(RegistryUnavailableException.class);
    }
  }

  @Test
  void anUnconfiguredSerdeSaysSo() {
    try (var serializer = new AvroSerializer<FileChangeEvent>();
        var deserializer = new AvroDeserializer<>(FileChangeEvent.class)) {
      assertThatThrownBy(() -> serializer.serialize("t", new RandomRecords(1).event()))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("not configured");
      assertThatThrownBy(() -> deserializer.deserialize("t", new byte[] {0, 0, 0, 0, 1, 2}))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("not configured");
    }
  }

  @Test
  void onlyTheTopicNameStrategyIsAccepted() {
    var serializer = new AvroSerializer<FileChangeEvent>();
    Map<String, Object> config =
        Map.of(
            SerdeConfig.SCHEMA_REGISTRY_URL, "http://127.0.0.1:1",
            SerdeConfig.VALUE_SUBJECT_NAME_STRATEGY,
                "io.confluent.kafka.serializers.subject.RecordNameStrategy");
    assertThatThrownBy(() -> serializer.configure(config, false))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("only TopicNameStrategy");

    serializer.configure(
        Map.of(
            SerdeConfig.SCHEMA_REGISTRY_URL, "http://127.0.0.1:1",
            SerdeConfig.VALUE_SUBJECT_NAME_STRATEGY, SerdeConfig.TOPIC_NAME_STRATEGY),
        false);
    assertThat(serializer.subject(Topics.EVENTS)).isEqualTo("hashstream.events-value");
    serializer.close();
  }

  @Test
  void classifiesFailuresThroughWrappers() {
    var bad = new InvalidRecordException("t", "x", null);
    var wrapped = new RuntimeException("consumer", new IllegalStateException("inner", bad));

    assertThat(SerdeFailures.classify(wrapped)).isEqualTo(SerdeFailures.Kind.BAD_RECORD);
    assertThat(SerdeFailures.classify(new IllegalStateException())).isEqualTo(SerdeFailures.Kind.OTHER);
  }
}
