package io.hashstream.faults;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs scenarios against one local runtime (scenario 9 gets its own, on a small tmpfs) and reports
 * a row for each. {@code bench/faults} runs it as a program; the build runs a subset as a test.
 */
public final class FaultSuite {
  private static final Logger LOG = LoggerFactory.getLogger(FaultSuite.class);

  private FaultSuite() {}

  static List<Result> run(Distribution distribution, Path work, List<Scenario> scenarios, boolean quick, Consumer<Result> onRow)
      throws Exception {
    List<Result> results = new ArrayList<>();
    List<Scenario> shared = scenarios.stream().filter(s -> s != Scenario.DISK_FULL).toList();
    if (!shared.isEmpty()) {
      try (LocalCluster cluster = LocalCluster.start(distribution, work.resolve("runtime"), Map.of())) {
        for (Scenario scenario : shared) {
          results.add(row(scenario, distribution, cluster, work, quick, onRow));
          if (!cluster.launcher().alive()) {
            LOG.warn("the runtime exited during scenario {}: starting it again", scenario.number());
            cluster.restart();
          }
        }
      }
    }
    if (scenarios.contains(Scenario.DISK_FULL)) {
      results.add(diskFull(distribution, work, quick, onRow));
    }
    return results;
  }

  private static Result row(Scenario scenario, Distribution distribution, LocalCluster cluster, Path work, boolean quick, Consumer<Result> onRow)
      throws Exception {
    LOG.info("scenario {}: {}", scenario.number(), scenario.title());
    Result result = ScenarioRun.run(scenario, distribution, cluster, work, quick);
    onRow.accept(result);
    return result;
  }

  private static Result diskFull(Distribution distribution, Path work, boolean quick, Consumer<Result> onRow) throws Exception {
    if (!DiskFull.root()) {
      Result skipped = Result.skipped(Scenario.DISK_FULL, "needs root to mount a tmpfs");
      onRow.accept(skipped);
      return skipped;
    }
    Path home = work.resolve("runtime-small");
    Path small = home.resolve("small");
    DiskFull.mount(small);
    try (LocalCluster cluster =
        LocalCluster.start(distribution, home, DiskFull.brokerConfig(small, home.resolve("metadata")))) {
      return row(Scenario.DISK_FULL, distribution, cluster, work, quick, onRow);
    } finally {
      DiskFull.unmount(small);
    }
  }

  /**
   * {@code FaultSuite [--quick] [--only N,M] [--write FILE] [--work DIR] --lib DIR [--command LINE]}
   */
  public static void main(String[] args) throws Exception {
    boolean quick = false;
    List<Scenario> scenarios = Arrays.asList(Scenario.values());
    Optional<Path> write = Optional.empty();
    Path work = Path.of("/tmp/hashstream-faults");
    Path lib = Path.of("cli/target/lib");
    String command = "bench/faults";
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--quick" -> quick = true;
        case "--only" -> scenarios = Arrays.stream(args[++i].split(",", -1)).map(n -> Scenario.numbered(Integer.parseInt(n.strip()))).toList();
        case "--write" -> write = Optional.of(Path.of(args[++i]));
        case "--work" -> work = Path.of(args[++i]);
        case "--lib" -> lib = Path.of(args[++i]);
        case "--command" -> command = args[++i];
        default -> throw new IllegalArgumentException("unknown option " + args[i]);
      }
    }
    // A suite stopped early (Ctrl-C, SIGTERM) leaves no producer, consumer or runtime behind.
    Runtime.getRuntime()
        .addShutdownHook(
            Thread.ofPlatform()
                .unstarted(() -> ProcessHandle.current().descendants().forEach(ProcessHandle::destroyForcibly)));
    Optional<Path> aot = Optional.of(work.resolve("aot"));
    Distribution distribution = new Distribution(lib.toAbsolutePath(), aot);
    Files.createDirectories(work);
    Instant begin = Instant.now();
    List<Result> results = run(distribution, work, scenarios, quick, result -> System.out.println(Report.line(result)));
    Duration took = Duration.between(begin, Instant.now());
    System.out.println(Report.table(results));
    if (write.isPresent()) {
      writeReport(write.get(), results, command, took);
    }
    System.exit(results.stream().allMatch(Result::passed) ? 0 : 1);
  }

  private static void writeReport(Path file, List<Result> results, String command, Duration took) throws IOException {
    String text = Files.readString(file, StandardCharsets.UTF_8);
    Files.writeString(file, Report.replaceResults(text, Report.results(results, command, took)), StandardCharsets.UTF_8);
  }
}
