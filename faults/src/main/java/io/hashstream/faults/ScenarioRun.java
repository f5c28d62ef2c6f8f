package io.hashstream.faults;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.locks.LockSupport;
import org.jspecify.annotations.Nullable;

/**
 * One scenario from start to judgement: fresh topics, a seeded tree, the pipeline, the workload and
 * the live reader; the scenario's fault between {@link #startWorkload} and {@link #faultEnded}; then
 * the oracle, until the table is true or the deadline passes.
 */
final class ScenarioRun implements AutoCloseable {
  private static final Duration SETTLED = Duration.ofMinutes(3);
  private static final Duration RECOVERY_DEADLINE = Duration.ofMinutes(4);
  /** A backlog is not a loss: the judgement waits while the table gets truer, up to this. */
  private static final Duration PROGRESS_WINDOW = Duration.ofMinutes(1);

  private static final Duration LONGEST_RECOVERY = Duration.ofMinutes(12);

  final Scenario scenario;
  final LocalCluster cluster;
  final Topics topics;
  final Workload workload;
  final Pipeline pipeline;
  final Random random;
  final boolean quick;
  private final Instant started = Instant.now();
  private final List<String> findings = new ArrayList<>();
  private final List<String> failures = new ArrayList<>();
  private @Nullable LiveReader live;
  private @Nullable Instant faultEnd;
  private String[] consumerArgs = {};

  ScenarioRun(Scenario scenario, Distribution distribution, LocalCluster cluster, Path work, boolean quick)
      throws Exception {
    this.scenario = scenario;
    this.cluster = cluster;
    this.quick = quick;
    this.random = new Random(20261203L * 31 + scenario.number());
    this.topics = Topics.of("s" + scenario.number());
    Path directory = Files.createDirectories(work.resolve("scenario-" + scenario.number()));
    this.workload =
        new Workload(Files.createDirectories(directory.resolve("tree")), random.nextLong(), quick ? Workload.Scale.QUICK : Workload.Scale.FULL).seed();
    Kafka.createTopics(cluster.internalBootstrap(), topics, 6);
    this.pipeline = new Pipeline(distribution, cluster, topics, workload, Files.createDirectories(directory.resolve("logs")));
  }

  /**
   * Starts the producer and {@code consumers} consumers ({@code c1}, {@code c2}, ...), then waits
   * until the seeded tree is in the table: the faults meet a pipeline at work, not one starting.
   */
  void startPipeline(int consumers, String... consumerArgs) throws Exception {
    this.consumerArgs = consumerArgs.clone();
    Launched producer = pipeline.startProducer();
    for (int i = 1; i <= consumers; i++) {
      startConsumer("c" + i);
    }
    pipeline.awaitProducerWatching(producer);
    live = new LiveReader(cluster, topics.hashes(), workload.stable());
    awaitTrue(SETTLED, "the seeded tree to be in the table");
  }

  /** {@link #startPipeline}, then {@link #startWorkload}: the pipeline under load. */
  void underLoad(int consumers, String... consumerArgs) throws Exception {
    startPipeline(consumers, consumerArgs);
    startWorkload();
  }

  /** Starts consumer {@code instance} (again) with the scenario's options; does not wait. */
  Launched startConsumer(String instance) throws IOException {
    return pipeline.startConsumer(instance, consumerArgs);
  }

  /** Starts the changes and returns once results of them are being committed. */
  void startWorkload() {
    workload.start();
    awaitProgress(20);
  }

  /** Waits until {@code count} more results are committed: the pipeline is mid-stream. */
  void awaitProgress(int count) {
    LiveReader reader = live();
    long target = reader.results() + count;
    Waits.until(Duration.ofMinutes(3), count + " more results", () -> reader.results() >= target);
  }

  LiveReader live() {
    LiveReader reader = live;
    if (reader == null) {
      throw new IllegalStateException("the pipeline was not started");
    }
    return reader;
  }

  /** Waits, with the changes stopped, until the table equals the tree. */
  void awaitTrue() throws IOException {
    awaitTrue(RECOVERY_DEADLINE, "the table to equal the tree");
  }

  private void awaitTrue(Duration timeout, String what) throws IOException {
    Map<String, String> tree = workload.tree();
    try (Oracle oracle = new Oracle(cluster, topics.hashes(), workload.stable())) {
      Waits.until(
          timeout,
          what,
          () -> pipeline.exited().isEmpty(),
          () -> {
            oracle.catchUp(Duration.ofMinutes(1));
            return oracle.judge(tree).tableTrue();
          });
    }
  }

  /** How long a fault lasts: a duration of the scenario, not a wait for a condition. */
  static void hold(Duration duration) {
    long end = System.nanoTime() + duration.toNanos();
    for (long left = duration.toNanos(); left > 0; left = end - System.nanoTime()) {
      LockSupport.parkNanos(left);
    }
  }

  /** A random moment within {@code [min, max)}, from the scenario's seed. */
  Duration between(Duration min, Duration max) {
    return min.plusMillis(random.nextLong(max.toMillis() - min.toMillis()));
  }

  void finding(String line) {
    findings.add(line);
  }

  void failure(String line) {
    failures.add(line);
  }

  /** The fault is over: the changes stop here, and recovery is measured from here. */
  void faultEnded() throws InterruptedException {
    faultEnd = Instant.now();
    workload.stop();
  }

  /** The oracle's judgement: read the table until it equals the tree, or the deadline passes. */
  Result judge() throws Exception {
    Instant end = faultEnd;
    if (end == null) {
      faultEnded();
      end = faultEnd;
    }
    Instant from = java.util.Objects.requireNonNull(end);
    Map<String, String> tree = workload.tree();
    Optional<Duration> recovery = Optional.empty();
    Verdict verdict;
    try (Oracle oracle = new Oracle(cluster, topics.hashes(), workload.stable())) {
      Instant deadline = Instant.now().plus(RECOVERY_DEADLINE);
      Instant last = Instant.now().plus(LONGEST_RECOVERY);
      long fewestWrong = Long.MAX_VALUE;
      long mostResults = -1;
      while (true) {
        oracle.catchUp(Duration.ofMinutes(1));
        verdict = oracle.judge(tree);
        if (verdict.tableTrue()) {
          recovery = Optional.of(Duration.between(from, Instant.now()));
          break;
        }
        // Still answering (results committed) or getting truer: a backlog, not yet a verdict.
        if (verdict.wrong() < fewestWrong || verdict.results() > mostResults) {
          fewestWrong = Math.min(fewestWrong, verdict.wrong());
          mostResults = verdict.results();
          Instant progressing = Instant.now().plus(PROGRESS_WINDOW);
          deadline = progressing.isAfter(deadline) ? progressing : deadline;
        }
        if (Instant.now().isAfter(deadline) || Instant.now().isAfter(last) || !pipeline.exited().isEmpty() || live == null) {
          break;
        }
        oracle.poll(Duration.ofMillis(500));
      }
    }
    pipeline.exited().forEach(gone -> failure("exited during the scenario: " + gone));
    LiveReader reader = live;
    // A scenario that failed before its pipeline ran has no live reader: its row says why.
    Verdict during = reader == null ? verdict : reader.stop();
    return new Result(
        scenario,
        Kafka.records(cluster.internalBootstrap(), topics.events()),
        verdict.results(),
        verdict,
        during,
        recovery,
        Duration.between(started, Instant.now()),
        List.copyOf(findings),
        List.copyOf(failures),
        Optional.empty());
  }

  /** Runs the scenario and judges it; a scenario that throws is a failed row, not a failed suite. */
  static Result run(Scenario scenario, Distribution distribution, LocalCluster cluster, Path work, boolean quick) throws Exception {
    try (ScenarioRun run = new ScenarioRun(scenario, distribution, cluster, work, quick)) {
      try {
        scenario.run(run);
      } catch (RuntimeException | IOException e) {
        run.failure("the scenario could not be carried out: " + e);
      }
      return run.judge();
    }
  }

  @Override
  public void close() {
    try {
      workload.stop();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      try {
        pipeline.close();
      } finally {
        LiveReader reader = live;
        if (reader != null) {
          reader.close();
        }
      }
    }
  }
}
