package io.hashstream.faults;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The build's share of the fault suite, so that a regression in crash recovery cannot land: the
 * broker killed and bounced (1), the producer killed mid-burst (5), a zombie consumer (7), at the
 * quick scale. {@code bench/faults} runs all ten.
 */
@Tag("local-runtime")
class FaultSuiteIT {
  @TempDir Path work;

  @Test
  void crashesOfTheBrokerTheProducerAndAZombieConsumerLeaveATrueTableWithNoDuplicate() throws Exception {
    Distribution distribution =
        new Distribution(
            Path.of(System.getProperty("hashstream.launcher.lib", "../cli/target/lib")).toAbsolutePath().normalize(),
            Optional.ofNullable(System.getProperty("hashstream.test.aot.dir")).map(Path::of));
    List<Result> results =
        FaultSuite.run(
            distribution,
            work,
            List.of(Scenario.BROKER_KILL, Scenario.PRODUCER_KILL, Scenario.ZOMBIE),
            true,
            result -> System.out.println(Report.line(result)));
    assertThat(results)
        .as(Report.table(results) + results.stream().map(Report::line).reduce("", (a, b) -> a + "\n" + b))
        .hasSize(3)
        .allMatch(Result::passed);
  }
}
