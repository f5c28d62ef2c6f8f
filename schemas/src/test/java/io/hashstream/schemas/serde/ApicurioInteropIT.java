package io.hashstream.schemas.serde;

import static org.assertj.core.api.Assertions.assertThat;

import io.apicurio.registry.serde.avro.AvroKafkaDeserializer;
import io.apicurio.registry.serde.avro.AvroKafkaSerializer;
import io.hashstream.testsupport.TestCluster;
import io.hashstream.schemas.FileKey;
import io.hashstream.schemas.RandomRecords;
import io.hashstream.schemas.Topics;
import io.hashstream.schemas.avro.FileChangeEvent;
import io.hashstream.schemas.avro.HashResult;
import io.hashstream.testsupport.SharedRuntime;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Interoperability with a Confluent-wire-format serde nobody here wrote: Apicurio's Kafka serde,
 * talking to Apicurio's own API ({@code /apis/registry/v3}) on the same server, with its defaults
 * (magic byte 0, 4-byte content id, which is the id the ccompat API gives).
 */
@ExtendWith(SharedRuntime.class)
class ApicurioInteropIT {
  private static final int COUNT = 40;

  @Test
  void whatHashstreamWritesApicuriosDeserializerReads(TestCluster runtime) throws Exception {
    String topic = Fixtures.createTopic(runtime, Fixtures.topic("interop-hs-to-apicurio"));
    List<FileChangeEvent> sent = events(1001);
    produce(runtime, topic, sent, hashstreamSerializer(runtime));

    List<Object> specific = consume(runtime, topic, COUNT, apicurioDeserializer(runtime, true));
    List<Object> generic = consume(runtime, topic, COUNT, apicurioDeserializer(runtime, false));

    assertThat(specific).containsExactlyElementsOf(sent);
    assertThat(generic).hasSize(COUNT).allMatch(GenericRecord.class::isInstance);
    for (int i = 0; i < COUNT; i++) {
      GenericRecord record = (GenericRecord) generic.get(i);
      assertThat(record.get("path").toString()).isEqualTo(sent.get(i).getPath());
      assertThat(record.get("kind").toString()).isEqualTo(sent.get(i).getKind().name());
    }
  }

  @Test
  void whatApicuriosSerializerWritesHashstreamReads(TestCluster runtime) throws Exception {
    String topic = Fixtures.createTopic(runtime, Fixtures.topic("interop-apicurio-to-hs"));
    RandomRecords random = new RandomRecords(2002);
    List<HashResult> sent = new ArrayList<>();
    for (int i = 0; i < COUNT; i++) {
      HashResult result = random.result();
      result.setPath(random.path());
      sent.add(result);
    }
    produce(runtime, topic, sent, apicurioSerializer(runtime));

    Properties consumer = consumerBase(runtime);
    consumer.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, AvroDeserializer.class.getName());
    consumer.put(SerdeConfig.SCHEMA_REGISTRY_URL, runtime.schemaRegistryUrl());
    consumer.put(SerdeConfig.SPECIFIC_AVRO_READER, "true");
    List<Object> received = consume(consumer, topic, COUNT);

    assertThat(received).containsExactlyElementsOf(sent);
    // The id Apicurio wrote is the one its ccompat API gives for the subject. (Apicurio registers
    // the nested named types as schema references, which hashstream's deserializer follows.)
    byte[] raw = Fixtures.readRaw(runtime, topic, 1).getFirst().value();
    assertThat(raw[0]).isZero();
    int written = ByteBuffer.wrap(raw, 1, 4).getInt();
    int ccompat =
        Fixtures.get(runtime, "/subjects/" + Topics.valueSubject(topic) + "/versions/latest")
            .get("id")
            .asInt();
    assertThat(written).isEqualTo(ccompat);
    assertThat(Fixtures.get(runtime, "/schemas/ids/" + written).get("references")).isNotEmpty();
  }

  @Test
  void bothWritersOnOneTopicAreReadByBothReaders(TestCluster runtime) throws Exception {
    String topic = Fixtures.createTopic(runtime, Fixtures.topic("interop-mixed"));
    List<FileChangeEvent> first = events(3003);
    List<FileChangeEvent> second = events(3004);
    produce(runtime, topic, first, hashstreamSerializer(runtime));
    produce(runtime, topic, second, apicurioSerializer(runtime));
    List<FileChangeEvent> all = new ArrayList<>(first);
    all.addAll(second);

    Properties ours = consumerBase(runtime);
    ours.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, AvroDeserializer.class.getName());
    ours.put(SerdeConfig.SCHEMA_REGISTRY_URL, runtime.schemaRegistryUrl());
    ours.put(SerdeConfig.SPECIFIC_AVRO_VALUE_TYPE, FileChangeEvent.class.getName());

    assertThat(consume(ours, topic, 2 * COUNT)).containsExactlyElementsOf(all);
    assertThat(consume(runtime, topic, 2 * COUNT, apicurioDeserializer(runtime, true)))
        .containsExactlyElementsOf(all);
  }

  private static List<FileChangeEvent> events(long seed) {
    RandomRecords random = new RandomRecords(seed);
    List<FileChangeEvent> events = new ArrayList<>();
    for (int i = 0; i < COUNT; i++) {
      FileChangeEvent event = random.event();
      event.setPath(random.path());
      events.add(event);
    }
    return events;
  }

  private static Properties hashstreamSerializer(TestCluster runtime) {
    Properties config = new Properties();
    config.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, AvroSerializer.class.getName());
    config.put(SerdeConfig.SCHEMA_REGISTRY_URL, runtime.schemaRegistryUrl());
    return config;
  }

  private static Properties apicurioSerializer(TestCluster runtime) {
    Properties config = new Properties();
    config.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, AvroKafkaSerializer.class.getName());
    config.put("apicurio.registry.url", Fixtures.apicurioUrl(runtime));
    config.put("apicurio.registry.auto-register", "true");
    return config;
  }

  private static Properties apicurioDeserializer(TestCluster runtime, boolean specific) {
    Properties config = new Properties();
    config.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, AvroKafkaDeserializer.class.getName());
    config.put("apicurio.registry.url", Fixtures.apicurioUrl(runtime));
    config.put("apicurio.registry.use-specific-avro-reader", Boolean.toString(specific));
    return config;
  }

  private static void produce(
      TestCluster runtime,
      String topic,
      List<? extends org.apache.avro.specific.SpecificRecord> values,
      Properties serializer)
      throws Exception {
    Properties config = new Properties();
    config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, runtime.bootstrapServers());
    config.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    config.putAll(serializer);
    try (var producer = new KafkaProducer<String, Object>(config)) {
      List<java.util.concurrent.Future<?>> sends = new ArrayList<>();
      for (var value : values) {
        String key =
            value instanceof FileChangeEvent event
                ? FileKey.of(event).key()
                : FileKey.of((HashResult) value).key();
        sends.add(producer.send(new ProducerRecord<>(topic, key, value)));
      }
      for (var send : sends) {
        send.get(60, java.util.concurrent.TimeUnit.SECONDS);
      }
    }
  }

  private static Properties consumerBase(TestCluster runtime) {
    Properties config = new Properties();
    config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, runtime.bootstrapServers());
    config.put(ConsumerConfig.GROUP_ID_CONFIG, "test-" + UUID.randomUUID());
    config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    config.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
    return config;
  }

  private static List<Object> consume(
      TestCluster runtime, String topic, int expected, Properties deserializer) {
    Properties config = consumerBase(runtime);
    config.putAll(deserializer);
    return consume(config, topic, expected);
  }

  private static List<Object> consume(Properties config, String topic, int expected) {
    List<Object> values = new ArrayList<>();
    try (var consumer = new KafkaConsumer<String, Object>(config)) {
      consumer.subscribe(List.of(topic));
      long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      while (values.size() < expected && System.nanoTime() < deadline) {
        for (ConsumerRecord<String, Object> record : consumer.poll(Duration.ofMillis(200))) {
          values.add(record.value());
        }
      }
    }
    return values;
  }
}
