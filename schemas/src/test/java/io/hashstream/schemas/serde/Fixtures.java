package io.hashstream.schemas.serde;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hashstream.testsupport.TestCluster;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.avro.Schema;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.jspecify.annotations.Nullable;

/** Shared pieces of the integration tests: configurations, fresh topics, raw registry calls. */
final class Fixtures {
  private static final ObjectMapper JSON = new ObjectMapper();

  private Fixtures() {}

  /** A topic name no other test uses. */
  static String topic(String prefix) {
    return prefix + "-" + UUID.randomUUID();
  }

  /** Serde configuration for the shared runtime's registry, with quick retries. */
  static Map<String, Object> serdeConfig(TestCluster runtime) {
    Map<String, Object> config = new HashMap<>();
    config.put(SerdeConfig.SCHEMA_REGISTRY_URL, runtime.schemaRegistryUrl());
    config.put(SerdeConfig.MAX_RETRIES, 2);
    config.put(SerdeConfig.RETRIES_WAIT_MS, 100);
    return config;
  }

  /** Apicurio's native API on the same server as the ccompat API. */
  static String apicurioUrl(TestCluster runtime) {
    return runtime.schemaRegistryUrl().replace("/apis/ccompat/v7", "/apis/registry/v3");
  }

  /** Creates {@code topic} with one partition. */
  static String createTopic(TestCluster runtime, String topic) throws Exception {
    try (Admin admin = Admin.create(runtime.clientConfig())) {
      admin.createTopics(Set.of(new NewTopic(topic, 1, (short) 1))).all().get(60, TimeUnit.SECONDS);
    }
    return topic;
  }

  /** Reads {@code expected} raw records of {@code topic} from the start, within a minute. */
  static List<ConsumerRecord<byte[], byte[]>> readRaw(TestCluster runtime, String topic, int expected) {
    Map<String, Object> config = runtime.clientConfig();
    config.put(ConsumerConfig.GROUP_ID_CONFIG, "test-" + UUID.randomUUID());
    config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
    try (var consumer =
        new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      consumer.subscribe(List.of(topic));
      long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      while (records.size() < expected && System.nanoTime() < deadline) {
        consumer.poll(Duration.ofMillis(200)).forEach(records::add);
      }
    }
    return records;
  }

  /** A registry answer: status and JSON body. */
  record Answer(int status, JsonNode body) {}

  /** A raw call of the registry's REST API, independent of hashstream's client. */
  static Answer call(String method, String url, @Nullable String body) throws IOException, InterruptedException {
    try (HttpClient http = HttpClient.newHttpClient()) {
      HttpRequest.Builder request =
          HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30));
      if (body == null) {
        request.method(method, HttpRequest.BodyPublishers.noBody());
      } else {
        request
            .header("Content-Type", "application/vnd.schemaregistry.v1+json")
            .method(method, HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
      }
      HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
      return new Answer(response.statusCode(), JSON.readTree(response.body()));
    }
  }

  /** GET on the ccompat API, expecting 200. */
  static JsonNode get(TestCluster runtime, String path) throws IOException, InterruptedException {
    Answer answer = call("GET", runtime.schemaRegistryUrl() + path, null);
    if (answer.status() != 200) {
      throw new AssertionError("GET " + path + " answered " + answer.status() + ": " + answer.body());
    }
    return answer.body();
  }

  /** Registers {@code schema} under {@code subject} as an operator would; its id. */
  static int registerAsOperator(TestCluster runtime, String subject, Schema schema)
      throws IOException, InterruptedException {
    String body = JSON.createObjectNode().put("schema", schema.toString()).toString();
    Answer answer =
        call("POST", runtime.schemaRegistryUrl() + "/subjects/" + subject + "/versions", body);
    if (answer.status() != 200) {
      throw new AssertionError("register answered " + answer.status() + ": " + answer.body());
    }
    return answer.body().get("id").asInt();
  }

  /** Sets a subject's compatibility as an operator would. */
  static void setCompatibilityAsOperator(TestCluster runtime, String subject, String level)
      throws IOException, InterruptedException {
    Answer answer =
        call(
            "PUT",
            runtime.schemaRegistryUrl() + "/config/" + subject,
            "{\"compatibility\":\"" + level + "\"}");
    if (answer.status() != 200) {
      throw new AssertionError("config answered " + answer.status() + ": " + answer.body());
    }
  }
}
