package io.hashstream.faults;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * One scenario's producer and consumers, each a child process started as a user starts it, all
 * connected to the cluster through its proxy. Instances keep their ids across restarts, as an
 * operator's service manager would start them again.
 */
final class Pipeline implements AutoCloseable {
  private static final Duration READY = Duration.ofMinutes(2);

  private final Distribution distribution;
  private final LocalCluster cluster;
  private final Topics topics;
  private final Workload workload;
  private final Path logs;
  private final String group;
  private @Nullable Launched producer;
  private final Map<String, Launched> consumers = new LinkedHashMap<>();
  private int launches;

  Pipeline(Distribution distribution, LocalCluster cluster, Topics topics, Workload workload, Path logs) {
    this.distribution = distribution;
    this.cluster = cluster;
    this.topics = topics;
    this.workload = workload;
    this.logs = logs;
    this.group = "faults-" + topics.hashes();
  }

  private List<String> connection() {
    return List.of(
        "--bootstrap-servers", cluster.clientBootstrap(),
        "--schema-registry", cluster.registryUrl(),
        "--events-topic", topics.events(),
        "--hashes-topic", topics.hashes());
  }

  /** Starts the producer (id {@code faults}, state in the scenario's directory); does not wait. */
  Launched startProducer() throws IOException {
    List<String> args = new ArrayList<>(List.of("producer", "--root", workload.rootName() + "=" + workload.root(), "--producer-id", "faults", "--settle", "200ms", "--state-dir", logs.resolve("producer-state").toString()));
    args.addAll(connection());
    Launched started = Launched.start(distribution, logs, "producer-" + ++launches, args);
    producer = started;
    return started;
  }

  /** Starts consumer {@code instance} (it replaces a stopped one of the same id); does not wait. */
  Launched startConsumer(String instance, String... extra) throws IOException {
    List<String> args =
        new ArrayList<>(List.of("consumer", "--root", workload.rootName() + "=" + workload.root(), "--group", group, "--instance-id", instance));
    args.addAll(connection());
    args.addAll(List.of(extra));
    Launched started = Launched.start(distribution, logs, instance + "-" + ++launches, args);
    consumers.put(instance, started);
    return started;
  }

  /** Waits until the producer watches (its initial scan is done). */
  void awaitProducerWatching(Launched started) {
    Waits.until(READY, "the producer's initial scan", started::alive, () -> started.log().contains("initial scan done"));
  }

  Launched producer() {
    Launched current = producer;
    if (current == null) {
      throw new IllegalStateException("the producer was not started");
    }
    return current;
  }

  Launched consumer(String instance) {
    Launched current = consumers.get(instance);
    if (current == null) {
      throw new IllegalStateException("no consumer " + instance);
    }
    return current;
  }

  List<String> consumerIds() {
    return List.copyOf(consumers.keySet());
  }

  /** Stops consumer {@code instance} with SIGTERM and forgets it. */
  void stopConsumer(String instance) {
    Launched current = consumers.remove(instance);
    if (current != null) {
      current.stop();
    }
  }

  /** The processes that should be running and are not: a scenario must not pass on a dead pipeline. */
  List<String> exited() {
    List<String> gone = new ArrayList<>();
    Launched current = producer;
    if (current != null && !current.alive()) {
      gone.add(current.name() + ":\n" + current.logTail());
    }
    consumers.values().stream().filter(c -> !c.alive()).forEach(c -> gone.add(c.name() + ":\n" + c.logTail()));
    return gone;
  }

  Path logsDirectory() {
    return logs;
  }

  String group() {
    return group;
  }

  @Override
  public void close() {
    for (Launched consumer : consumers.values()) {
      consumer.stop();
    }
    Launched current = producer;
    if (current != null) {
      current.stop();
    }
  }
}
