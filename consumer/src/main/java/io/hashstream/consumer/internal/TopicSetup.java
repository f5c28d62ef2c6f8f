package io.hashstream.consumer.internal;

import io.hashstream.consumer.ConsumerStoppedException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import io.hashstream.schemas.security.Refusals;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Checks and creates the consumer's topics before it subscribes. */
public final class TopicSetup {
  private static final Logger LOG = LoggerFactory.getLogger(TopicSetup.class);
  private static final Duration REACH_TIMEOUT = Duration.ofSeconds(30);
  /** How long one look for a listening broker takes before the caller says it is waiting. */
  private static final Duration PROBE_TIMEOUT = Duration.ofSeconds(5);
  /**
   * How long a tombstone stays readable after compaction: a downstream reader that is less than a
   * day behind still sees that a file is gone.
   */
  static final long DELETE_RETENTION_MS = Duration.ofDays(1).toMillis();

  private final Admin admin;
  private final String bootstrapServers;
  private final String principal;

  /** @param principal who the admin client is, as {@link Refusals#principalOf} names it */
  public TopicSetup(Admin admin, String bootstrapServers, String principal) {
    this.admin = admin;
    this.bootstrapServers = bootstrapServers;
    this.principal = principal;
  }

  /**
   * Checks that a broker answers.
   *
   * @throws KafkaUnavailableException if none does within a few seconds (the caller waits and
   *     asks again)
   * @throws ConsumerStoppedException if one refuses this client (authentication, authorization)
   */
  public void requireReachable() throws InterruptedException {
    // Plain TCP first: a Kafka client would log a warning for every refused connection.
    if (!anyBootstrapAccepts(bootstrapServers, PROBE_TIMEOUT)) {
      throw new KafkaUnavailableException("no connection to " + bootstrapServers);
    }
    try {
      admin.describeCluster().nodes().get(REACH_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    } catch (TimeoutException e) {
      throw new KafkaUnavailableException("no answer within " + REACH_TIMEOUT.toSeconds() + " s", e);
    } catch (ExecutionException e) {
      throw failure("describing the cluster", "Describe", e);
    }
  }

  /**
   * A refusal stops the instance; anything else from a broker that accepted the connection (a
   * timeout, a broker still starting) is waited out.
   */
  private RuntimeException failure(String what, String operation, ExecutionException e) {
    Throwable cause = e.getCause();
    if (cause instanceof AuthenticationException || cause instanceof AuthorizationException) {
      String refused = Refusals.line(cause, principal, operation, null);
      return new ConsumerStoppedException(refused != null ? refused : "Kafka refused " + what + ": " + causeOf(e), e);
    }
    if (cause instanceof RetriableException) {
      return new KafkaUnavailableException(what + ": " + causeOf(e), e);
    }
    return new ConsumerStoppedException(what + " failed: " + causeOf(e), e);
  }

  /**
   * Waits until {@code topic} exists, saying so once, and returns its partition count.
   *
   * @param stopping tells when to give up waiting
   * @return the partition count, or 0 if {@code stopping} said so first
   */
  public int awaitTopic(String topic, BooleanSupplier stopping) throws InterruptedException {
    boolean said = false;
    while (!stopping.getAsBoolean()) {
      try {
        Map<String, TopicDescription> described =
            admin.describeTopics(List.of(topic)).allTopicNames().get(30, TimeUnit.SECONDS);
        TopicDescription description = described.get(topic);
        if (description != null) {
          return description.partitions().size();
        }
      } catch (ExecutionException e) {
        if (!(e.getCause() instanceof UnknownTopicOrPartitionException)) {
          throw failure("describing the topic " + topic, "Describe", e);
        }
      } catch (TimeoutException e) {
        throw new KafkaUnavailableException("describing the topic " + topic + ": no answer within 30 s", e);
      }
      if (!said) {
        LOG.info("waiting for the topic {} to be created (the producer creates it)", topic);
        said = true;
      }
      Thread.sleep(1_000);
    }
    return 0;
  }

  /** Whether some bootstrap address accepts a TCP connection before {@code timeout}. */
  static boolean anyBootstrapAccepts(String servers, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      for (String server : servers.split(",", -1)) {
        String address = server.strip();
        int colon = address.lastIndexOf(':');
        if (colon <= 0) {
          // Not host:port: let the Kafka client report it.
          return true;
        }
        String host = address.substring(0, colon).replace("[", "").replace("]", "");
        int port;
        try {
          port = Integer.parseInt(address.substring(colon + 1));
        } catch (NumberFormatException e) {
          return true;
        }
        try (java.net.Socket socket = new java.net.Socket()) {
          socket.connect(new java.net.InetSocketAddress(host, port), 1_000);
          return true;
        } catch (java.io.IOException e) {
          // Not this one (yet).
        }
      }
      if (System.nanoTime() > deadline) {
        return false;
      }
      Thread.sleep(500);
    }
  }

  private static String causeOf(ExecutionException e) {
    Throwable cause = e.getCause();
    return cause == null ? e.toString() : String.valueOf(cause.getMessage());
  }

  /** Creates {@code topic} with the broker's defaults if it is missing. */
  public void ensureExists(String topic, int partitions) throws InterruptedException {
    NewTopic newTopic = new NewTopic(topic, java.util.Optional.of(partitions), java.util.Optional.empty());
    try {
      admin.createTopics(Set.of(newTopic)).all().get(30, TimeUnit.SECONDS);
      LOG.info("created the topic {} with {} partitions", topic, partitions);
    } catch (ExecutionException e) {
      if (!(e.getCause() instanceof TopicExistsException)) {
        throw failure("creating the topic " + topic, "Create", e);
      }
    } catch (TimeoutException e) {
      throw new KafkaUnavailableException("creating the topic " + topic + ": no answer within 30 s", e);
    }
  }

  /**
   * Creates the hash topic, compacted, if it is missing; refuses one that is not purely compacted.
   */
  public void ensureCompacted(String topic, int partitions) throws InterruptedException {
    NewTopic newTopic =
        new NewTopic(topic, java.util.Optional.of(partitions), java.util.Optional.empty())
            .configs(
                Map.of(
                    TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT,
                    TopicConfig.DELETE_RETENTION_MS_CONFIG, Long.toString(DELETE_RETENTION_MS)));
    try {
      admin.createTopics(Set.of(newTopic)).all().get(30, TimeUnit.SECONDS);
      LOG.info("created the compacted topic {} with {} partitions", topic, partitions);
      return;
    } catch (ExecutionException e) {
      if (!(e.getCause() instanceof TopicExistsException)) {
        throw failure("creating the topic " + topic, "Create", e);
      }
    } catch (TimeoutException e) {
      throw new KafkaUnavailableException("creating the topic " + topic + ": no answer within 30 s", e);
    }
    ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
    Config config;
    try {
      config = admin.describeConfigs(Set.of(resource)).all().get(30, TimeUnit.SECONDS).get(resource);
    } catch (ExecutionException e) {
      throw failure("reading the configuration of the topic " + topic, "DescribeConfigs", e);
    } catch (TimeoutException e) {
      throw new KafkaUnavailableException(
          "reading the configuration of the topic " + topic + ": no answer within 30 s", e);
    }
    ConfigEntry policy = config == null ? null : config.get(TopicConfig.CLEANUP_POLICY_CONFIG);
    String value = policy == null ? "delete" : policy.value();
    if (!TopicConfig.CLEANUP_POLICY_COMPACT.equals(value)) {
      throw new ConsumerStoppedException(
          "the hash topic "
              + topic
              + " has cleanup.policy="
              + value
              + "; hashstream needs cleanup.policy=compact alone (deletion would drop the digests"
              + " of files that did not change)");
    }
  }
}
