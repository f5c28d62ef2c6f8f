package io.hashstream.schemas.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.hashstream.testsupport.TestCluster;
import io.hashstream.schemas.RandomRecords;
import io.hashstream.schemas.avro.FileChangeEvent;
import io.hashstream.schemas.avro.HashResult;
import io.hashstream.testsupport.SharedRuntime;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RecordDeserializationException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Bad input against the real registry: each failure is clear, classified, and never a null. */
@ExtendWith(SharedRuntime.class)
class BadInputIT {

  private static byte[] goodBytes(TestCluster runtime, String topic) {
    try (var serializer = new AvroSerializer<FileChangeEvent>(Fixtures.serdeConfig(runtime), false)) {
      return java.util.Objects.requireNonNull(
          serializer.serialize(topic, new RandomRecords(5).event()));
    }
  }

  @Test
  void anUnknownSchemaIdIsABadRecord(TestCluster runtime) {
    byte[] bytes = ByteBuffer.allocate(8).put((byte) 0).putInt(987_654).put(new byte[] {2, 'a', 0}).array();
    try (var deserializer =
        new AvroDeserializer<>(FileChangeEvent.class, Fixtures.serdeConfig(runtime), false)) {
      Throwable failure = catchThrowable(() -> deserializer.deserialize("bad-id", bytes));

      assertThat(failure)
          .isInstanceOf(InvalidRecordException.class)
          .hasMessageStartingWith(
              "cannot decode a record of topic 'bad-id': schema id 987654 is unknown to the schema"
                  + " registry (HTTP 404, error code 40403: ")
          .cause()
          .isInstanceOfSatisfying(
              RegistryRequestException.class,
              e -> {
                assertThat(e.status()).isEqualTo(404);
                assertThat(e.errorCode()).isEqualTo(RegistryRequestException.SCHEMA_NOT_FOUND);
              });
      assertThat(SerdeFailures.classify(failure)).isEqualTo(SerdeFailures.Kind.BAD_RECORD);
    }
  }

  @Test
  void aTruncatedBodyIsABadRecord(TestCluster runtime) {
    String topic = Fixtures.topic("bad-truncated");
    byte[] good = goodBytes(runtime, topic);
    try (var deserializer =
        new AvroDeserializer<>(FileChangeEvent.class, Fixtures.serdeConfig(runtime), false)) {
      for (int length : new int[] {5, 6, good.length / 2, good.length - 1}) {
        byte[] truncated = Arrays.copyOf(good, length);
        assertThatThrownBy(() -> deserializer.deserialize(topic, truncated))
            .as("cut to %d of %d bytes", length, good.length)
            .isInstanceOf(InvalidRecordException.class)
            .hasMessageContaining("topic '" + topic + "'")
            .hasMessageContaining("(io.hashstream.schemas.avro.FileChangeEvent)")
            .hasMessageContaining("the body is truncated or malformed (" + length + " bytes in all)");
      }
      // A length prefix far beyond the body: refused without allocating what it claims.
      byte[] lying = Arrays.copyOf(good, 10);
      System.arraycopy(new byte[] {(byte) 0xfe, (byte) 0xff, (byte) 0xff, (byte) 0xff, 0x07}, 0, lying, 5, 5);
      assertThatThrownBy(() -> deserializer.deserialize(topic, lying))
          .isInstanceOf(InvalidRecordException.class)
          .hasMessageContaining("the body is truncated or malformed (10 bytes in all)")
          .hasMessageContaining("Attempted to read 1073741823 bytes");
      byte[] longer = Arrays.copyOf(good, good.length + 2);
      assertThatThrownBy(() -> deserializer.deserialize(topic, longer))
          .isInstanceOf(InvalidRecordException.class)
          .hasMessageContaining("bytes left over after the record");
      assertThat(deserializer.deserialize(topic, good)).isEqualTo(new RandomRecords(5).event());
    }
  }

  @Test
  void aRecordOfAnotherTypeIsABadRecordForATypedReader(TestCluster runtime) {
    String topic = Fixtures.topic("bad-type");
    byte[] result;
    try (var serializer = new AvroSerializer<HashResult>(Fixtures.serdeConfig(runtime), false)) {
      result = serializer.serialize(topic, new RandomRecords(6).result());
    }
    try (var deserializer =
        new AvroDeserializer<>(FileChangeEvent.class, Fixtures.serdeConfig(runtime), false)) {
      assertThatThrownBy(() -> deserializer.deserialize(topic, result))
          .isInstanceOf(InvalidRecordException.class)
          .hasMessageContaining(
              "writes io.hashstream.schemas.avro.HashResult, which this deserializer does not read"
                  + " as io.hashstream.schemas.avro.FileChangeEvent");
    }
  }

  @Test
  void aKafkaConsumerReportsTopicPartitionAndOffsetAndCanSkipTheBadRecord(TestCluster runtime)
      throws Exception {
    String topic = Fixtures.createTopic(runtime, Fixtures.topic("bad-consumer"));
    byte[] good = goodBytes(runtime, topic);
    Map<String, Object> producerConfig = runtime.clientConfig();
    try (var producer =
        new KafkaProducer<>(producerConfig, new ByteArraySerializer(), new ByteArraySerializer())) {
      producer.send(new ProducerRecord<>(topic, "k".getBytes(java.nio.charset.StandardCharsets.UTF_8), good)).get(30, TimeUnit.SECONDS);
      producer.send(new ProducerRecord<>(topic, null, new byte[] {7, 1, 2, 3, 4, 5})).get(30, TimeUnit.SECONDS);
      producer.send(new ProducerRecord<>(topic, null, good)).get(30, TimeUnit.SECONDS);
    }

    Map<String, Object> config = runtime.clientConfig();
    config.putAll(Fixtures.serdeConfig(runtime));
    config.put(ConsumerConfig.GROUP_ID_CONFIG, "test-" + UUID.randomUUID());
    config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    config.put(SerdeConfig.SPECIFIC_AVRO_VALUE_TYPE, FileChangeEvent.class.getName());
    config.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
    config.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, AvroDeserializer.class.getName());
    List<FileChangeEvent> values = new ArrayList<>();
    RecordDeserializationException failure = null;
    try (var consumer = new KafkaConsumer<String, FileChangeEvent>(config)) {
      consumer.subscribe(List.of(topic));
      long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      while (values.size() < 2 && System.nanoTime() < deadline) {
        try {
          for (ConsumerRecord<String, FileChangeEvent> record : consumer.poll(Duration.ofMillis(200))) {
            values.add(record.value());
          }
        } catch (RecordDeserializationException e) {
          failure = e;
          // The dead-letter move: the record will never decode, so skip it.
          assertThat(SerdeFailures.classify(e)).isEqualTo(SerdeFailures.Kind.BAD_RECORD);
          consumer.seek(e.topicPartition(), e.offset() + 1);
        }
      }
    }

    assertThat(failure).isNotNull();
    java.util.Objects.requireNonNull(failure);
    assertThat(failure.topicPartition()).isEqualTo(new TopicPartition(topic, 0));
    assertThat(failure.offset()).isEqualTo(1);
    assertThat(failure.getMessage()).contains(topic + "-0").contains("offset 1");
    assertThat(failure.getCause())
        .isInstanceOf(InvalidRecordException.class)
        .hasMessageContaining("topic '" + topic + "'")
        .hasMessageContaining("unknown magic byte 0x07");
    assertThat(values).hasSize(2).containsOnly(new RandomRecords(5).event());
  }

  @Test
  void theRegistryGoingDownIsTransientNotABadRecord(TestCluster runtime) throws Exception {
    String topic = Fixtures.topic("bad-outage");
    byte[] good = goodBytes(runtime, topic);
    try (var proxy = new RegistryProxy(runtime.schemaRegistryUrl(), null)) {
      Map<String, Object> config = new java.util.HashMap<>(Fixtures.serdeConfig(runtime));
      config.put(SerdeConfig.SCHEMA_REGISTRY_URL, proxy.url("http"));
      config.put(SerdeConfig.MAX_RETRIES, 2);
      config.put(SerdeConfig.RETRIES_WAIT_MS, 20);

      // 5xx for longer than the retries: transient failure, naming what the registry said.
      proxy.failNext(3);
      try (var deserializer = new AvroDeserializer<>(FileChangeEvent.class, config, false)) {
        Throwable failure = catchThrowable(() -> deserializer.deserialize(topic, good));
        assertThat(failure)
            .isInstanceOf(RegistryUnavailableException.class)
            .hasMessageContaining("after 3 attempts")
            .hasMessageContaining("answered HTTP 503");
        assertThat(SerdeFailures.classify(failure)).isEqualTo(SerdeFailures.Kind.TRANSIENT);
        assertThat(proxy.requests()).isEqualTo(3);

        // The same record decodes once the registry is back: nothing bad was cached.
        assertThat(deserializer.deserialize(topic, good)).isEqualTo(new RandomRecords(5).event());
      }

      // 5xx for fewer requests than the retries: the retry hides it.
      proxy.failNext(2);
      try (var deserializer = new AvroDeserializer<>(FileChangeEvent.class, config, false)) {
        assertThat(deserializer.deserialize(topic, good)).isEqualTo(new RandomRecords(5).event());
      }
    }
  }
}
