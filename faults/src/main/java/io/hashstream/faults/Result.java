package io.hashstream.faults;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * One scenario's row.
 *
 * @param events records on the events topic (the flood's included)
 * @param results committed records on the hash topic
 * @param verdict the oracle's, after the faults
 * @param live the live reader's, during them
 * @param recovery from the end of the fault until the table was true, if it became true
 * @param took the whole scenario, start to judgement
 * @param findings scenario-specific facts (restart times, republished events, dead letters)
 * @param failures what makes the row fail besides the oracle's counts
 * @param skipped why the scenario could not run here, if it could not
 */
record Result(
    Scenario scenario,
    long events,
    long results,
    Verdict verdict,
    Verdict live,
    Optional<Duration> recovery,
    Duration took,
    List<String> findings,
    List<String> failures,
    Optional<String> skipped) {

  static Result skipped(Scenario scenario, String why) {
    Verdict none = new Verdict(0, 0, 0, 0, 0, List.of(), List.of());
    return new Result(scenario, 0, 0, none, none, Optional.empty(), Duration.ZERO, List.of(), List.of(), Optional.of(why));
  }

  long duplicates() {
    return verdict.duplicates() + live.duplicates();
  }

  long outOfOrder() {
    return verdict.outOfOrder() + live.outOfOrder();
  }

  /** What went wrong, with samples, and why it was skipped. */
  List<String> problems() {
    return java.util.stream.Stream.of(
            failures, verdict.wrongSamples(), verdict.violationSamples(), live.violationSamples(), skipped.stream().toList())
        .flatMap(List::stream)
        .toList();
  }

  long lies() {
    return Math.max(verdict.lies(), live.lies());
  }

  boolean passed() {
    if (skipped.isPresent()) {
      return true;
    }
    return recovery.isPresent()
        && verdict.wrong() == 0
        && duplicates() == 0
        && outOfOrder() == 0
        && lies() == 0
        && failures.isEmpty();
  }

  String outcome() {
    if (skipped.isPresent()) {
      return "skipped";
    }
    return passed() ? "pass" : "FAIL";
  }
}
