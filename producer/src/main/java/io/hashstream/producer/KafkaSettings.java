package io.hashstream.producer;

import java.time.Duration;
import java.util.Map;

/**
 * How the producer reaches Kafka and the schema registry.
 *
 * @param bootstrapServers {@code bootstrap.servers}
 * @param schemaRegistryUrl the Confluent-compatible registry URL ({@code schema.registry.url})
 * @param clientProperties any further client properties (TLS, SASL, registry credentials), for
 *     example from a {@code --client-config} file; the two settings above take precedence over the
 *     same keys here
 * @param startTimeout how long the start may wait for the broker before it gives up
 */
public record KafkaSettings(
    String bootstrapServers,
    String schemaRegistryUrl,
    Map<String, String> clientProperties,
    Duration startTimeout) {
  /** Short enough that a user who forgot to start the broker hears of it within 30 s. */
  public static final Duration DEFAULT_START_TIMEOUT = Duration.ofSeconds(15);

  public KafkaSettings {
    if (bootstrapServers.isBlank()) {
      throw new IllegalArgumentException("the bootstrap servers must not be empty");
    }
    if (schemaRegistryUrl.isBlank()) {
      throw new IllegalArgumentException("the schema registry URL must not be empty");
    }
    clientProperties = Map.copyOf(clientProperties);
    if (startTimeout.isNegative() || startTimeout.isZero()) {
      throw new IllegalArgumentException("the start timeout must be positive, not " + startTimeout);
    }
  }

  /** Settings with no extra client properties and the default start timeout. */
  public static KafkaSettings of(String bootstrapServers, String schemaRegistryUrl) {
    return new KafkaSettings(bootstrapServers, schemaRegistryUrl, Map.of(), DEFAULT_START_TIMEOUT);
  }

  public KafkaSettings withClientProperties(Map<String, String> properties) {
    return new KafkaSettings(bootstrapServers, schemaRegistryUrl, properties, startTimeout);
  }

  public KafkaSettings withStartTimeout(Duration timeout) {
    return new KafkaSettings(bootstrapServers, schemaRegistryUrl, clientProperties, timeout);
  }
}
