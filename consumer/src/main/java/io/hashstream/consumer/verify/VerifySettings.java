package io.hashstream.consumer.verify;

import java.nio.file.Path;
import java.util.Map;

/**
 * What {@code hashstream verify} checks, and how.
 *
 * @param clientProperties further Kafka client and registry settings (TLS, SASL, basic auth)
 * @param roots the roots to check, by name, as this host mounts them
 * @param samplePercent the share of the files whose metadata matches that are read, above 0 to 100
 * @param seed which files the sample takes
 * @param maxBytesPerSecond the read rate, 0 for none
 */
public record VerifySettings(
    String bootstrapServers,
    String schemaRegistryUrl,
    Map<String, String> clientProperties,
    String hashesTopic,
    Map<String, Path> roots,
    double samplePercent,
    long seed,
    long maxBytesPerSecond) {
  public VerifySettings {
    clientProperties = Map.copyOf(clientProperties);
    roots = Map.copyOf(roots);
    if (roots.isEmpty()) {
      throw new IllegalArgumentException("verify needs at least one root");
    }
    if (maxBytesPerSecond < 0) {
      throw new IllegalArgumentException("the read rate cannot be negative: " + maxBytesPerSecond);
    }
    var _ = new Sample(samplePercent, seed);
  }
}
