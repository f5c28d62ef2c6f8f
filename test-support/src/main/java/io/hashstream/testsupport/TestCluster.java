package io.hashstream.testsupport;

import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.CommonClientConfigs;

/**
 * The Kafka broker and schema registry the tests of one JVM share: the real local runtime by default,
 * or containers under the {@code docker} Maven profile. Test classes use {@code
 * @ExtendWith(SharedRuntime.class)} and take a {@code TestCluster} parameter.
 */
public interface TestCluster {
  /** {@code bootstrap.servers} for clients. */
  String bootstrapServers();

  /** The Confluent-compatible registry URL. */
  String schemaRegistryUrl();

  /** Client properties that reach the broker; a fresh mutable map. */
  default Map<String, Object> clientConfig() {
    Map<String, Object> config = new HashMap<>();
    config.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
    return config;
  }

  /** A cluster at these addresses: a broker of a test's own with the shared registry, say. */
  static TestCluster of(String bootstrapServers, String schemaRegistryUrl) {
    return new At(bootstrapServers, schemaRegistryUrl);
  }

  /** The cluster {@link #of} describes. */
  record At(String bootstrapServers, String schemaRegistryUrl) implements TestCluster {}

  /** Starts a cluster of another kind, found with {@link java.util.ServiceLoader}. */
  interface Factory {
    /** The value of {@code hashstream.test.cluster} that selects this factory. */
    String name();

    /** Starts the cluster; closing the returned value stops it. */
    Started start() throws Exception;
  }

  /** A started cluster and how to stop it. */
  interface Started extends TestCluster, AutoCloseable {
    @Override
    void close() throws java.io.IOException;
  }
}
