package io.hashstream.faults;

import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/** The suite's rows, for a terminal and for RELIABILITY.md. */
final class Report {
  static final String BEGIN = "<!-- results: written by bench/faults -->";
  static final String END = "<!-- /results -->";

  private Report() {}

  /** One line, as a scenario ends. */
  static String line(Result result) {
    List<String> problems = result.problems();
    return "scenario "
        + result.scenario().number()
        + " "
        + result.outcome()
        + ": "
        + String.format(
            Locale.ROOT,
            "events %d, results %d, lost %d, duplicated %d, out of order %d, lies %d, recovery %s",
            counts(result))
        + (result.findings().isEmpty() ? "" : "\n  " + String.join("\n  ", result.findings()))
        + (problems.isEmpty() ? "" : "\n  ! " + String.join("\n  ! ", problems));
  }

  /** Events, results, lost, duplicated, out of order, lies and recovery: the row's figures. */
  private static Object[] counts(Result result) {
    return new Object[] {
      result.events(),
      result.results(),
      result.verdict().wrong(),
      result.duplicates(),
      result.outOfOrder(),
      result.lies(),
      recovery(result)
    };
  }

  private static String recovery(Result result) {
    if (result.skipped().isPresent()) {
      return "-";
    }
    return result.recovery().map(Report::seconds).orElse("never (deadline passed)");
  }

  static String seconds(Duration duration) {
    return String.format(Locale.ROOT, "%.1f s", duration.toMillis() / 1000.0);
  }

  /** The table of rows, in markdown. */
  static String table(List<Result> results) {
    StringBuilder out =
        new StringBuilder(
            """
            | # | scenario | outcome | events | results | lost | duplicated | out of order | lies | recovery | took |
            | ---: | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |
            """);
    for (Result result : results) {
      out.append(
              String.format(
                  Locale.ROOT, "| %d | %s | %s | ", result.scenario().number(), result.scenario().title(), result.outcome()))
          .append(String.format(Locale.ROOT, "%d | %d | %d | %d | %d | %d | %s", counts(result)))
          .append(" | ")
          .append(seconds(result.took()))
          .append(" |\n");
    }
    return out.toString();
  }

  /** The results section of RELIABILITY.md: the table, then what each scenario found. */
  static String results(List<Result> results, String command, Duration took) {
    String findings =
        results.stream()
            .map(
                result -> {
                  String lines =
                      java.util.stream.Stream.concat(result.findings().stream(), result.problems().stream())
                          .map(line -> "  - " + line)
                          .collect(Collectors.joining("\n"));
                  return "- **" + result.scenario().number() + "**" + (lines.isEmpty() ? " nothing further to say" : "\n" + lines);
                })
            .collect(Collectors.joining("\n"));
    return BEGIN
        + "\n"
        + "Run of "
        + LocalDate.now(ZoneOffset.UTC)
        + ", `"
        + command
        + "`, "
        + String.format(Locale.ROOT, "%.1f", took.toSeconds() / 60.0)
        + " minutes on "
        + Runtime.getRuntime().availableProcessors()
        + " cores:\n\n"
        + table(results)
        + "\n"
        + findings
        + "\n"
        + END;
  }

  /** {@code text} with its results section replaced, or the section appended if it has none. */
  static String replaceResults(String text, String section) {
    int begin = text.indexOf(BEGIN);
    int end = text.indexOf(END);
    if (begin < 0 || end < begin) {
      return text + "\n" + section + "\n";
    }
    return text.substring(0, begin) + section + text.substring(end + END.length());
  }
}
