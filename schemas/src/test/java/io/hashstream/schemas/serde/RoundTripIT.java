package io.hashstream.schemas.serde;

import static org.assertj.core.api.Assertions.assertThat;

import io.hashstream.testsupport.TestCluster;
import io.hashstream.schemas.FileKey;
import io.hashstream.schemas.RandomRecords;
import io.hashstream.schemas.SourceHeaders;
import io.hashstream.schemas.avro.FileChangeEvent;
import io.hashstream.schemas.avro.HashResult;
import io.hashstream.schemas.avro.SourceEvent;
import io.hashstream.testsupport.SharedRuntime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Both record types survive a trip through the real registry, for seeded random values. */
@ExtendWith(SharedRuntime.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RoundTripIT {
  private static final int RECORDS_PER_SEED = 20;

  private final String eventsTopic = Fixtures.topic("roundtrip-events");
  private final String hashesTopic = Fixtures.topic("roundtrip-hashes");
  private AvroSerializer<FileChangeEvent> eventSerializer = new AvroSerializer<>();
  private AvroSerializer<HashResult> resultSerializer = new AvroSerializer<>();
  private AvroDeserializer<FileChangeEvent> eventDeserializer =
      new AvroDeserializer<>(FileChangeEvent.class);
  private AvroDeserializer<HashResult> resultDeserializer = new AvroDeserializer<>(HashResult.class);

  @BeforeAll
  void configure(TestCluster runtime) {
    Map<String, Object> config = Fixtures.serdeConfig(runtime);
    eventSerializer = new AvroSerializer<>(config, false);
    resultSerializer = new AvroSerializer<>(config, false);
    eventDeserializer = new AvroDeserializer<>(FileChangeEvent.class, config, false);
    resultDeserializer = new AvroDeserializer<>(HashResult.class, config, false);
  }

  @AfterAll
  void close() {
    eventSerializer.close();
    resultSerializer.close();
    eventDeserializer.close();
    resultDeserializer.close();
  }

  static Stream<Long> seeds() {
    return Stream.iterate(1L, s -> s + 1).limit(25);
  }

  @ParameterizedTest(name = "seed {0}")
  @MethodSource("seeds")
  void eventsRoundTrip(long seed) {
    RandomRecords random = new RandomRecords(seed);
    for (int i = 0; i < RECORDS_PER_SEED; i++) {
      FileChangeEvent event = random.event();

      byte[] bytes = eventSerializer.serialize(eventsTopic, event);
      FileChangeEvent back = eventDeserializer.deserialize(eventsTopic, bytes);

      assertThat(back).isEqualTo(event);
      assertThat(back).isNotSameAs(event);
    }
  }

  @ParameterizedTest(name = "seed {0}")
  @MethodSource("seeds")
  void hashResultsRoundTrip(long seed) {
    RandomRecords random = new RandomRecords(seed);
    for (int i = 0; i < RECORDS_PER_SEED; i++) {
      HashResult result = random.result();

      byte[] bytes = resultSerializer.serialize(hashesTopic, result);
      HashResult back = resultDeserializer.deserialize(hashesTopic, bytes);

      assertThat(back).isEqualTo(result);
    }
  }

  @Test
  void theEdgeCasesAreAmongTheInputs() {
    // The property above is only as good as its inputs: check they hold what the issue asks for.
    List<FileChangeEvent> events = new ArrayList<>();
    seeds().forEach(seed -> {
      RandomRecords random = new RandomRecords(seed);
      for (int i = 0; i < RECORDS_PER_SEED; i++) {
        events.add(random.event());
      }
    });
    assertThat(events).anyMatch(e -> e.getPath().isEmpty());
    assertThat(events)
        .anyMatch(e -> e.getPath().getBytes(java.nio.charset.StandardCharsets.UTF_8).length == 4096);
    assertThat(events).anyMatch(e -> e.getPath().contains(" "));
    assertThat(events).anyMatch(e -> e.getPath().matches(".*[^\\x00-\\x7F].*"));
    assertThat(events).anyMatch(e -> e.getPath().startsWith("-"));
    assertThat(events).anyMatch(e -> e.getFileIdentity() == null);
    assertThat(events).anyMatch(e -> e.getFileIdentity() != null);
    assertThat(events).anyMatch(e -> e.getSize() == null);
    assertThat(events)
        .anyMatch(
            e -> {
              var modified = e.getModified();
              return modified != null
                  && !modified.truncatedTo(java.time.temporal.ChronoUnit.MICROS).equals(modified);
            });
  }

  @Test
  void recordsGoThroughKafkaWithTheSerdeNamedInPlainClientConfiguration(TestCluster runtime)
      throws Exception {
    String topic = Fixtures.createTopic(runtime, Fixtures.topic("roundtrip-kafka"));
    RandomRecords random = new RandomRecords(4242);
    List<FileChangeEvent> sent = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      FileChangeEvent event = random.event();
      event.setPath(random.path());
      sent.add(event);
    }

    // Only properties, as a user's client configuration file would have them.
    Properties producerConfig = new Properties();
    producerConfig.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, runtime.bootstrapServers());
    producerConfig.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    producerConfig.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, AvroSerializer.class.getName());
    producerConfig.put(SerdeConfig.SCHEMA_REGISTRY_URL, runtime.schemaRegistryUrl());
    try (var producer = new KafkaProducer<String, FileChangeEvent>(producerConfig)) {
      List<java.util.concurrent.Future<?>> sends = new ArrayList<>();
      for (FileChangeEvent event : sent) {
        sends.add(producer.send(new ProducerRecord<>(topic, FileKey.of(event).key(), event)));
      }
      for (var send : sends) {
        send.get(60, TimeUnit.SECONDS);
      }
    }

    Properties consumerConfig = new Properties();
    consumerConfig.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, runtime.bootstrapServers());
    consumerConfig.put(ConsumerConfig.GROUP_ID_CONFIG, "test-" + UUID.randomUUID());
    consumerConfig.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    consumerConfig.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
    consumerConfig.put(
        ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, AvroDeserializer.class.getName());
    consumerConfig.put(SerdeConfig.SCHEMA_REGISTRY_URL, runtime.schemaRegistryUrl());
    consumerConfig.put(SerdeConfig.SPECIFIC_AVRO_READER, "true");
    List<ConsumerRecord<String, FileChangeEvent>> received = new ArrayList<>();
    try (var consumer = new KafkaConsumer<String, FileChangeEvent>(consumerConfig)) {
      consumer.subscribe(List.of(topic));
      long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      while (received.size() < sent.size() && System.nanoTime() < deadline) {
        consumer.poll(Duration.ofMillis(200)).forEach(received::add);
      }
    }

    assertThat(received).extracting(ConsumerRecord::value).containsExactlyElementsOf(sent);
    for (ConsumerRecord<String, FileChangeEvent> record : received) {
      assertThat(FileKey.parse(record.key())).isEqualTo(FileKey.of(record.value()));
    }
  }

  @Test
  void aTombstoneCarriesItsSourceInHeaders(TestCluster runtime) throws Exception {
    String topic = Fixtures.createTopic(runtime, Fixtures.topic("roundtrip-tombstone"));
    SourceEvent source = new RandomRecords(9).source();
    FileKey key = new FileKey("root", "gone/file.txt");
    Map<String, Object> config = runtime.clientConfig();
    try (var producer =
        new KafkaProducer<>(config, new StringSerializer(), new AvroSerializer<HashResult>(Fixtures.serdeConfig(runtime), false))) {
      producer
          .send(new ProducerRecord<>(topic, null, key.key(), null, SourceHeaders.of(source)))
          .get(30, TimeUnit.SECONDS);
    }

    var records = Fixtures.readRaw(runtime, topic, 1);

    assertThat(records).hasSize(1);
    assertThat(records.getFirst().value()).isNull();
    assertThat(FileKey.parse(records.getFirst().key())).isEqualTo(key);
    assertThat(SourceHeaders.read(records.getFirst().headers())).contains(source);
    assertThat(resultDeserializer.deserialize(topic, records.getFirst().value())).isNull();
  }
}
