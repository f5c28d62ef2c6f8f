package io.hashstream.testsupport.docker;

import io.hashstream.testsupport.TestCluster;
import java.time.Duration;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.kafka.KafkaContainer;
import org.testcontainers.utility.DockerImageName;

/** Kafka (KRaft, one node) and Apicurio Registry in containers, for {@code -Pdocker}. */
public final class DockerCluster implements TestCluster.Started {
  // The Kafka of the local runtime (kafka.version in the parent pom) and of docker-compose.yml.
  private static final DockerImageName KAFKA = DockerImageName.parse("apache/kafka:4.4.0");
  private static final DockerImageName REGISTRY =
      DockerImageName.parse("apicurio/apicurio-registry:3.3.3");
  private static final int REGISTRY_PORT = 8080;

  private final KafkaContainer kafka;
  private final GenericContainer<?> registry;

  private DockerCluster(KafkaContainer kafka, GenericContainer<?> registry) {
    this.kafka = kafka;
    this.registry = registry;
  }

  static DockerCluster start() {
    KafkaContainer kafka = new KafkaContainer(KAFKA);
    GenericContainer<?> registry =
        new GenericContainer<>(REGISTRY)
            .withExposedPorts(REGISTRY_PORT)
            .waitingFor(
                Wait.forHttp("/apis/ccompat/v7/subjects")
                    .forStatusCode(200)
                    .withStartupTimeout(Duration.ofMinutes(3)));
    kafka.start();
    try {
      registry.start();
    } catch (RuntimeException e) {
      kafka.stop();
      throw e;
    }
    return new DockerCluster(kafka, registry);
  }

  @Override
  public String bootstrapServers() {
    return kafka.getBootstrapServers();
  }

  @Override
  public String schemaRegistryUrl() {
    return "http://"
        + registry.getHost()
        + ":"
        + registry.getMappedPort(REGISTRY_PORT)
        + "/apis/ccompat/v7";
  }

  @Override
  public void close() {
    try {
      registry.stop();
    } finally {
      kafka.stop();
    }
  }

  /** Registered in META-INF/services; selected by {@code -Dhashstream.test.cluster=docker}. */
  public static final class Factory implements TestCluster.Factory {
    @Override
    public String name() {
      return "docker";
    }

    @Override
    public TestCluster.Started start() {
      return DockerCluster.start();
    }
  }
}
