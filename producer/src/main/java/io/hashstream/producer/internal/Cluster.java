package io.hashstream.producer.internal;

import io.hashstream.producer.ProducerException;
import io.hashstream.producer.ProducerSettings;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.TopicConfig;
import io.hashstream.schemas.security.Refusals;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The producer's start-up conversation with the cluster, through one admin client: is the broker
 * there (within the start timeout), does the events topic exist (else create it), where is the
 * hash table. Every failure becomes a {@link ProducerException} with one line that names the
 * address.
 */
public final class Cluster implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Cluster.class);
  /** Events are kept a week, Kafka's default: long enough for consumers to catch up after an outage. */
  public static final Duration EVENTS_RETENTION = Duration.ofDays(7);

  private static final int PROBE_TIMEOUT_MILLIS = 1000;

  private final ProducerSettings settings;
  private final Admin admin;
  private final long timeoutMillis;

  private Cluster(ProducerSettings settings, Admin admin) {
    this.settings = settings;
    this.admin = admin;
    this.timeoutMillis = settings.kafka().startTimeout().toMillis();
  }

  /**
   * Connects and checks that the broker answers within the start timeout.
   *
   * @throws ProducerException naming the address if it does not
   */
  public static Cluster connect(ProducerSettings settings) {
    awaitListening(settings);
    Admin admin;
    try {
      admin = Admin.create(KafkaConfigs.admin(settings));
    } catch (KafkaException e) {
      throw new ProducerException(
          "cannot reach Kafka at " + settings.kafka().bootstrapServers() + ": " + rootMessage(e), e);
    }
    Cluster cluster = new Cluster(settings, admin);
    try {
      cluster.requireBroker();
      return cluster;
    } catch (RuntimeException e) {
      cluster.close();
      throw e;
    }
  }

  /**
   * Waits until one bootstrap address accepts a TCP connection, before any Kafka client exists: a
   * broker that is simply not running is reported in one line, without a Kafka client logging a
   * warning per reconnect attempt meanwhile. Addresses that do not parse are left to the client.
   */
  private static void awaitListening(ProducerSettings settings) {
    List<InetSocketAddress> addresses = new ArrayList<>();
    for (String server : settings.kafka().bootstrapServers().split(",", -1)) {
      String address = server.strip();
      int scheme = address.indexOf("://");
      if (scheme >= 0) {
        address = address.substring(scheme + 3);
      }
      int colon = address.lastIndexOf(':');
      if (colon <= 0) {
        return;
      }
      String host = address.substring(0, colon);
      if (host.startsWith("[") && host.endsWith("]")) {
        host = host.substring(1, host.length() - 1);
      }
      try {
        addresses.add(InetSocketAddress.createUnresolved(host, Integer.parseInt(address.substring(colon + 1))));
      } catch (IllegalArgumentException e) {
        return;
      }
    }
    long deadline = System.nanoTime() + settings.kafka().startTimeout().toNanos();
    while (true) {
      for (InetSocketAddress address : addresses) {
        try (Socket socket = new Socket()) {
          socket.connect(new InetSocketAddress(address.getHostString(), address.getPort()), PROBE_TIMEOUT_MILLIS);
          return;
        } catch (IOException e) {
          LOG.debug("{} does not accept connections yet: {}", address, e.toString());
        }
      }
      long remaining = deadline - System.nanoTime();
      if (remaining <= 0) {
        throw new ProducerException(unreachableMessage(settings), null);
      }
      LockSupport.parkNanos(Math.min(remaining, TimeUnit.MILLISECONDS.toNanos(500)));
      if (Thread.interrupted()) {
        Thread.currentThread().interrupt();
        throw new ProducerException("interrupted while connecting to Kafka at " + settings.kafka().bootstrapServers(), null);
      }
    }
  }

  private void requireBroker() {
    String address = settings.kafka().bootstrapServers();
    try {
      admin
          .describeCluster(new DescribeClusterOptions().timeoutMs((int) Math.min(Integer.MAX_VALUE, timeoutMillis)))
          .clusterId()
          .get(timeoutMillis + 2000, TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof AuthenticationException || cause instanceof AuthorizationException) {
        String refused = Refusals.line(cause, principal(), "Describe", null);
        throw new ProducerException(
            refused != null ? refused : "Kafka at " + address + " refused the producer: " + rootMessage(cause),
            cause);
      }
      throw unreachable(address, e);
    } catch (TimeoutException e) {
      throw unreachable(address, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ProducerException("interrupted while connecting to Kafka at " + address, e);
    }
  }

  private String principal() {
    return Refusals.principalOf(settings.kafka().clientProperties());
  }

  private ProducerException unreachable(String address, Exception e) {
    LOG.debug("Kafka at {} did not answer", address, e);
    return new ProducerException(unreachableMessage(settings), e);
  }

  private static String unreachableMessage(ProducerSettings settings) {
    return "cannot reach Kafka at "
        + settings.kafka().bootstrapServers()
        + " within "
        + settings.kafka().startTimeout().toSeconds()
        + " s: is the broker running? ('hashstream local' starts one; --bootstrap-servers"
        + " chooses another)";
  }

  /**
   * The events topic's partition count: creates the topic with {@code settings.partitions()} if it
   * is missing; uses an existing topic's count as it is, and never adds partitions.
   */
  public int ensureEventsTopic() {
    String topic = settings.eventsTopic();
    Optional<Integer> existing = partitions(topic);
    if (existing.isPresent()) {
      int count = existing.get();
      if (count != settings.partitions()) {
        LOG.warn(
            "topic {} exists with {} partitions; {} partitions were asked for, but partitions are"
                + " never added to an existing topic (keys would move and per-path order would"
                + " break): using {}",
            topic,
            count,
            settings.partitions(),
            count);
      }
      return count;
    }
    NewTopic newTopic =
        new NewTopic(topic, Optional.of(settings.partitions()), Optional.empty())
            .configs(
                Map.of(
                    TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_DELETE,
                    TopicConfig.RETENTION_MS_CONFIG, Long.toString(EVENTS_RETENTION.toMillis())));
    try {
      admin.createTopics(List.of(newTopic)).all().get(timeoutMillis, TimeUnit.MILLISECONDS);
      LOG.info("created topic {} with {} partitions, retention {} days", topic, settings.partitions(), EVENTS_RETENTION.toDays());
      return settings.partitions();
    } catch (ExecutionException e) {
      if (e.getCause() instanceof TopicExistsException) {
        return partitions(topic).orElseThrow(() -> failure("topic " + topic + " vanished while it was created", e));
      }
      String refused = Refusals.line(e, principal(), "Create", null);
      throw failure(refused != null ? refused : "cannot create topic " + topic + ": " + rootMessage(e), e);
    } catch (TimeoutException e) {
      throw failure("creating topic " + topic + " timed out", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw failure("interrupted while creating topic " + topic, e);
    }
  }

  /**
   * The hash table topic.
   *
   * @param id its topic id; empty if it does not exist yet
   * @param partitions its partitions; none if it does not exist yet
   */
  public record HashTopic(String id, List<TopicPartition> partitions) {
    public HashTopic {
      partitions = List.copyOf(partitions);
    }
  }

  /** The hash table's id and partitions; none if the topic does not exist yet. */
  public HashTopic hashTable() {
    String topic = settings.hashesTopic();
    Optional<TopicDescription> description = describe(topic);
    if (description.isEmpty()) {
      LOG.info("the hash table {} does not exist yet: starting with an empty index", topic);
      return new HashTopic("", List.of());
    }
    int count = description.get().partitions().size();
    return new HashTopic(
        description.get().topicId().toString(),
        java.util.stream.IntStream.range(0, count).mapToObj(p -> new TopicPartition(topic, p)).toList());
  }

  private Optional<Integer> partitions(String topic) {
    return describe(topic).map(description -> description.partitions().size());
  }

  private Optional<TopicDescription> describe(String topic) {
    try {
      TopicDescription description =
          admin
              .describeTopics(List.of(topic))
              .allTopicNames()
              .get(timeoutMillis, TimeUnit.MILLISECONDS)
              .get(topic);
      return Optional.ofNullable(description);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof UnknownTopicOrPartitionException) {
        return Optional.empty();
      }
      throw failure("cannot describe topic " + topic + ": " + rootMessage(e), e);
    } catch (TimeoutException e) {
      throw failure("describing topic " + topic + " timed out", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw failure("interrupted while describing topic " + topic, e);
    }
  }

  private ProducerException failure(String message, Exception cause) {
    return new ProducerException(message + " (Kafka at " + settings.kafka().bootstrapServers() + ")", cause);
  }

  static String rootMessage(Throwable failure) {
    Throwable deepest = failure;
    for (int depth = 0; depth < 20; depth++) {
      Throwable cause = deepest.getCause();
      if (cause == null) {
        break;
      }
      deepest = cause;
    }
    String message = deepest.getMessage();
    return message == null ? deepest.getClass().getSimpleName() : message;
  }

  @Override
  public void close() {
    admin.close(Duration.ofSeconds(2));
  }
}
