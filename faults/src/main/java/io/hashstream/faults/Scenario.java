package io.hashstream.faults;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The faults, each through the operating system only: signals to exact pids, the clients' proxy, a
 * small file system. Each scenario starts the pipeline, starts the changes, injects its fault, and
 * ends it; {@link ScenarioRun#judge} then holds the table to the tree.
 */
enum Scenario {
  BROKER_KILL(1, "Broker SIGKILL mid-burst, down 10 s, started again by the runtime; then a SIGTERM bounce") {
    @Override
    void run(ScenarioRun run) throws Exception {
      run.underLoad(2);
      LocalCluster cluster = run.cluster;
      // The runtime restarts a dead broker within a second: frozen, its supervisor waits 10 s first.
      Instant down = Instant.now();
      long killed = cluster.killWithSupervisorFrozen(cluster.brokerPid(), () -> ScenarioRun.hold(Duration.ofSeconds(10)));
      Instant back = cluster.awaitBrokerRestarted(killed, Duration.ofMinutes(2));
      run.finding("SIGKILL: broker serving again " + seconds(Duration.between(down, back)) + " after the kill (10 s of it held)");
      run.awaitProgress(20);
      long bounced = cluster.brokerPid().orElseThrow();
      Instant term = Instant.now();
      Signal.TERM.send(bounced);
      back = cluster.awaitBrokerRestarted(bounced, Duration.ofMinutes(2));
      run.finding("SIGTERM: broker serving again " + seconds(Duration.between(term, back)) + " after the signal");
      run.awaitProgress(20);
      run.faultEnded();
    }
  },

  BROKER_FREEZE(2, "Broker frozen (SIGSTOP) for 20 s, then resumed") {
    @Override
    void run(ScenarioRun run) throws Exception {
      run.underLoad(2);
      long broker = run.cluster.brokerPid().orElseThrow();
      Signal.STOP.send(broker);
      try {
        ScenarioRun.hold(Duration.ofSeconds(20));
      } finally {
        Signal.CONT.send(broker);
      }
      if (run.cluster.brokerPid().orElse(-1) != broker) {
        run.failure("a frozen broker was restarted; it must be waited for");
      }
      run.faultEnded();
    }
  },

  NETWORK_CUT(3, "Clients' network cut 30 s (nothing forwarded), then connections reset for 10 s") {
    @Override
    void run(ScenarioRun run) throws Exception {
      run.underLoad(2);
      var proxy = run.cluster.proxy();
      proxy.stall();
      try {
        ScenarioRun.hold(Duration.ofSeconds(30));
      } finally {
        proxy.resume();
      }
      proxy.down();
      try {
        ScenarioRun.hold(Duration.ofSeconds(10));
      } finally {
        proxy.up();
      }
      run.faultEnded();
    }
  },

  REGISTRY_DOWN(4, "Registry killed for 60 s under load; a consumer and a producer started during the outage") {
    @Override
    void run(ScenarioRun run) throws Exception {
      run.underLoad(2);
      LocalCluster cluster = run.cluster;
      // Frozen, the runtime's supervisor cannot start the registry again before the 60 s are over.
      long registry =
          cluster.killWithSupervisorFrozen(
              cluster.registryPid(),
              () -> {
                ScenarioRun.hold(Duration.ofSeconds(5));
                run.pipeline.producer().stop();
                run.pipeline.startProducer();
                run.startConsumer("c3");
                ScenarioRun.hold(Duration.ofSeconds(55));
              });
      Waits.until(Duration.ofMinutes(2), "the registry to be started again", () -> cluster.registryPid().orElse(registry) != registry);
      run.faultEnded();
      Waits.until(Duration.ofMinutes(2), "the registry to answer", () -> Registry.answers(cluster.registryUrl()));
      long dead = Kafka.committedRecords(cluster.internalBootstrap(), run.topics.deadLetters());
      run.finding(dead + " dead letters");
      if (dead > 0) {
        run.failure(dead + " events were dead-lettered during the registry's outage");
      }
    }
  },

  PRODUCER_KILL(5, "Producer SIGKILL mid-burst, restarted with the same id (5 times)") {
    @Override
    void run(ScenarioRun run) throws Exception {
      run.startPipeline(2);
      int kills = run.quick ? 3 : 5;
      StringBuilder republished = new StringBuilder();
      for (int kill = 1; kill <= kills; kill++) {
        run.workload.start();
        ScenarioRun.hold(run.between(Duration.ofSeconds(2), Duration.ofSeconds(5)));
        run.pipeline.producer().signal(Signal.KILL);
        run.pipeline.producer().awaitExit(Duration.ofSeconds(30));
        run.workload.stop();
        // Nothing changes from here until the table is true again: every event published meanwhile
        // is a republished one (or a change the killed producer had not published yet).
        long before = Kafka.records(run.cluster.internalBootstrap(), run.topics.events());
        Launched restarted = run.pipeline.startProducer();
        run.pipeline.awaitProducerWatching(restarted);
        run.awaitTrue();
        long after = Kafka.records(run.cluster.internalBootstrap(), run.topics.events());
        republished.append(kill == 1 ? "" : ", ").append(after - before);
      }
      run.finding("events published by each restart while nothing changed: " + republished);
      run.workload.start();
      run.awaitProgress(20);
      run.faultEnded();
    }
  },

  CONSUMER_KILL(6, "Consumer SIGKILL under load, restarted with the same id (10 times, 2 consumers)") {
    @Override
    void run(ScenarioRun run) throws Exception {
      run.underLoad(2);
      int kills = run.quick ? 4 : 10;
      for (int kill = 0; kill < kills; kill++) {
        ScenarioRun.hold(run.between(Duration.ofMillis(500), Duration.ofSeconds(4)));
        String victim = "c" + (1 + run.random.nextInt(2));
        Launched consumer = run.pipeline.consumer(victim);
        consumer.signal(Signal.KILL);
        consumer.awaitExit(Duration.ofSeconds(30));
        run.startConsumer(victim);
      }
      run.awaitProgress(20);
      run.faultEnded();
    }
  },

  ZOMBIE(7, "A consumer frozen past its session timeout while the others take its partitions, then resumed") {
    @Override
    void run(ScenarioRun run) throws Exception {
      Path config = run.pipeline.logsDirectory().resolve("consumer.properties");
      // A short session, so the scenario does not wait out the default 45 s; a user may set the same.
      Files.writeString(config, "session.timeout.ms=8000\nheartbeat.interval.ms=2000\n", StandardCharsets.UTF_8);
      run.underLoad(3, "--client-config", config.toString());
      Launched zombie = run.pipeline.consumer("c1");
      zombie.signal(Signal.STOP);
      try {
        Waits.until(
            Duration.ofMinutes(1),
            "the group to drop the frozen c1",
            () -> !members(run).contains("c1"));
        run.awaitProgress(30);
      } finally {
        zombie.signal(Signal.CONT);
      }
      Waits.until(Duration.ofMinutes(1), "the resumed c1 to rejoin", () -> members(run).contains("c1"));
      run.awaitProgress(20);
      run.faultEnded();
      String log = zombie.log();
      List<String> refusals =
          log.lines()
              .filter(line -> line.contains("WARN") || line.contains("ERROR"))
              .filter(line -> line.toLowerCase(Locale.ROOT).matches(".*(fenc|generation|commit|rebalanc|partitions lost).*"))
              .toList();
      run.finding(
          "the zombie's own account: "
              + (refusals.isEmpty() ? "no refused commit logged (it had nothing in flight)" : refusals.getFirst().strip()));
    }
  },

  SCALE(8, "Scale out and in under load: 1 -> 3 -> 1 consumers") {
    @Override
    void run(ScenarioRun run) throws Exception {
      run.underLoad(1);
      run.startConsumer("c2");
      run.startConsumer("c3");
      Waits.until(Duration.ofMinutes(1), "three members", () -> members(run).size() == 3);
      run.awaitProgress(40);
      run.pipeline.stopConsumer("c2");
      run.pipeline.stopConsumer("c3");
      Waits.until(Duration.ofMinutes(1), "one member", () -> members(run).size() == 1);
      run.awaitProgress(40);
      run.faultEnded();
    }
  },

  DISK_FULL(9, "The broker's log directory fills up (tmpfs), then space is freed") {
    @Override
    void run(ScenarioRun run) throws Exception {
      DiskFull.run(run);
    }
  },

  FLOOD(10, "10,000 undecodable records on the events topic among good ones") {
    @Override
    void run(ScenarioRun run) throws Exception {
      run.underLoad(2);
      int flood = run.quick ? 2_000 : 10_000;
      Duration window = Duration.ofSeconds(8);
      double before = rate(run, window);
      Thread sender = Thread.ofPlatform().name("flood").start(() -> sendGarbage(run, flood));
      double during = rate(run, window);
      sender.join();
      run.finding(
          String.format(
              Locale.ROOT,
              "good results committed per second before the flood %.0f, during it %.0f (the workload's own pace: what the"
                  + " flood would hold back shows as a drop)",
              before,
              during));
      run.faultEnded();
      Waits.until(
          Duration.ofMinutes(3),
          "every undecodable record to be dead-lettered",
          () -> Kafka.committedRecords(run.cluster.internalBootstrap(), run.topics.deadLetters()) >= flood);
      long dead = Kafka.committedRecords(run.cluster.internalBootstrap(), run.topics.deadLetters());
      run.finding(dead + " dead letters for " + flood + " undecodable records");
      if (dead != flood) {
        run.failure(dead + " dead letters for " + flood + " undecodable records");
      }
    }
  };

  private final int number;
  private final String title;

  Scenario(int number, String title) {
    this.number = number;
    this.title = title;
  }

  int number() {
    return number;
  }

  String title() {
    return title;
  }

  abstract void run(ScenarioRun run) throws Exception;

  static Scenario numbered(int number) {
    for (Scenario scenario : values()) {
      if (scenario.number == number) {
        return scenario;
      }
    }
    throw new IllegalArgumentException("no scenario " + number + " (1 to " + values().length + ")");
  }

  private static String seconds(Duration duration) {
    return String.format(Locale.ROOT, "%.1f s", duration.toMillis() / 1000.0);
  }

  /** The group's members by instance id, as the broker knows them. */
  private static List<String> members(ScenarioRun run) throws Exception {
    try (Admin admin = Admin.create(Kafka.config(run.cluster.internalBootstrap()))) {
      var groups = admin.describeConsumerGroups(List.of(run.pipeline.group())).all().get(10, TimeUnit.SECONDS);
      return java.util.Objects.requireNonNull(groups.get(run.pipeline.group()), "the group's description")
          .members()
          .stream()
          .flatMap(member -> member.groupInstanceId().stream())
          .toList();
    }
  }

  /** Results committed per second over {@code window}, as the live reader counts them. */
  private static double rate(ScenarioRun run, Duration window) {
    long first = run.live().results();
    ScenarioRun.hold(window);
    return (run.live().results() - first) * 1000.0 / window.toMillis();
  }

  /** Records the consumer cannot decode (no wire-format header), on keys of the root. */
  private static void sendGarbage(ScenarioRun run, int count) {
    Map<String, Object> config =
        Map.of(
            ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, run.cluster.internalBootstrap(),
            ProducerConfig.ACKS_CONFIG, "all",
            ProducerConfig.LINGER_MS_CONFIG, 5);
    java.util.concurrent.atomic.AtomicReference<@org.jspecify.annotations.Nullable Exception> failed =
        new java.util.concurrent.atomic.AtomicReference<>();
    try (var producer = new KafkaProducer<>(config, new StringSerializer(), new ByteArraySerializer())) {
      for (int i = 0; i < count; i++) {
        byte[] garbage = ("not an event " + i).getBytes(StandardCharsets.UTF_8);
        var _ =
            producer.send(
                new ProducerRecord<>(run.topics.events(), "w/flood/" + i, garbage),
                (metadata, e) -> {
                  if (e != null) {
                    failed.compareAndSet(null, e);
                  }
                });
      }
      producer.flush();
    }
    Exception e = failed.get();
    if (e != null) {
      throw new IllegalStateException("the flood could not be sent: " + e, e);
    }
  }
}
