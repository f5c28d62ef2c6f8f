package io.hashstream.bench.e2e;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Turns one run of {@code bench/e2e} ({@code results.properties}: {@code key=value} lines, a key
 * repeated once per round) into ratios measured in that run, checks the goals of issue #10, and
 * writes the results as Markdown between the markers of the section "The whole pipeline (issue
 * #10)" in BENCHMARKS.md (appending the section if it is missing).
 *
 * <p>{@code report RESULTS_PROPERTIES [BENCHMARKS.md]}
 */
final class E2eReport {
  static final String BEGIN = "<!-- bench/e2e results: begin (written by bench/e2e, do not edit by hand) -->";
  static final String END = "<!-- bench/e2e results: end -->";
  static final String HEADING = "## The whole pipeline (issue #10)";

  private final Map<String, List<String>> values = new LinkedHashMap<>();
  private final StringBuilder out = new StringBuilder();

  private E2eReport(List<String> lines) {
    for (String line : lines) {
      int equals = line.indexOf('=');
      if (equals > 0) {
        values.computeIfAbsent(line.substring(0, equals), k -> new ArrayList<>()).add(line.substring(equals + 1));
      }
    }
  }

  static void run(String[] args) throws IOException {
    E2eReport report = new E2eReport(Files.readAllLines(Path.of(E2e.arg(args, 0, "RESULTS")), StandardCharsets.UTF_8));
    String section = report.render();
    System.out.print(section);
    if (args.length > 1) {
      write(Path.of(args[1]), section);
    }
  }

  // ---- the values --------------------------------------------------------------------------------

  private @Nullable String text(String key) {
    List<String> all = values.get(key);
    return all == null || all.isEmpty() ? null : all.getLast();
  }

  private String textOr(String key, String fallback) {
    String value = text(key);
    return value == null || value.isBlank() ? fallback : value;
  }

  private boolean has(String key) {
    return text(key) != null;
  }

  /** The median of every value of {@code key}, or NaN. */
  private double number(String key) {
    List<String> all = values.get(key);
    if (all == null || all.isEmpty()) {
      return Double.NaN;
    }
    List<Double> numbers = new ArrayList<>();
    for (String value : all) {
      try {
        numbers.add(Double.parseDouble(value.strip()));
      } catch (NumberFormatException e) {
        // not a number: left out
      }
    }
    if (numbers.isEmpty()) {
      return Double.NaN;
    }
    Collections.sort(numbers);
    int middle = numbers.size() / 2;
    return numbers.size() % 2 == 1 ? numbers.get(middle) : (numbers.get(middle - 1) + numbers.get(middle)) / 2;
  }

  /** "median (min-max)" of a repeated value, with {@code format}. */
  private String spread(String key, String format) {
    List<String> all = values.get(key);
    if (all == null || all.size() < 2) {
      return String.format(Locale.ROOT, format, number(key));
    }
    double min = all.stream().mapToDouble(Double::parseDouble).min().orElse(Double.NaN);
    double max = all.stream().mapToDouble(Double::parseDouble).max().orElse(Double.NaN);
    return String.format(Locale.ROOT, format + " (" + format + "–" + format + ")", number(key), min, max);
  }

  /** Seconds from the run's first event (or its producer's launch) to its last committed result. */
  private double span(String tag, boolean fromLaunch) {
    double start = number(tag + (fromLaunch ? ".launch_ms" : ".first_event_ms"));
    return (number(tag + ".last_result_ms") - start) / 1000;
  }

  // ---- rendering ---------------------------------------------------------------------------------

  private String render() {
    out.append(BEGIN).append("\n\n");
    out.append("### Results of the last run\n\n");
    line("- **Date:** " + textOr("meta.date", "?"));
    line("- **Machine:** " + textOr("meta.machine", "?") + "; scratch file system " + textOr("meta.filesystem", "?"));
    line("- **Software:** " + textOr("meta.java", "?") + "; " + textOr("meta.tools", "?"));
    String changes = textOr("meta.worktree_changes", "0");
    line("- **Code:** commit " + textOr("meta.commit", "?")
        + (changes.equals("0") ? "" : " and " + changes + " uncommitted path(s) in the work tree (`git status`)"));
    line("- **Command:** `" + textOr("meta.command", "bench/e2e") + "`, " + textOr("meta.duration", "?")
        + "; every hashstream process as `bin/hashstream` runs it (`" + textOr("meta.launcher_flags", "?") + "`)");
    line("- **Load average** (the machine is shared): " + textOr("meta.load_start", "?") + " at the start, "
        + textOr("meta.load_end", "?") + " at the end (1, 5, 15 min)");
    out.append('\n');
    goals();
    smallFiles();
    largeFiles();
    cpu();
    publishing();
    latency();
    restart();
    memory();
    out.append(END).append('\n');
    return out.toString();
  }

  private void line(String text) {
    out.append(text).append('\n');
  }

  private double smallFiles(String tag) {
    return number("meta.small_files") / span(tag, false);
  }

  private double toolFilesPerSecond(String key) {
    return number("meta.small_files") / number(key);
  }

  private void goals() {
    line("#### Goals of issue #10");
    line("");
    line("| goal | measured | needed | verdict |");
    line("| --- | --- | --- | --- |");
    double sha = toolFilesPerSecond("tools.small.sha256sum");
    double java = toolFilesPerSecond("tools.small.java");
    for (String tag : List.of("small1", "small2")) {
      if (!has(tag + ".last_result_ms")) {
        continue;
      }
      String who = tag.equals("small1") ? "one consumer" : "two consumers";
      double rate = smallFiles(tag);
      goal("small files, " + who + " ≥ 1.0× `xargs -P sha256sum`", rate, sha, 1.0, "%,.0f files/s");
      goal("small files, " + who + " ≥ 0.5× Java walk + hash", rate, java, 0.5, "%,.0f files/s");
    }
    double kafka = number("publish.kafka.events_per_second");
    goal("publisher ≥ 0.8× `ProducerPerformance`", number("publish.launcher.events_per_second"), kafka, 0.8, "%,.0f events/s");
    double settle = number("latency.settle_ms");
    double p99 = number("latency.pipeline_p99_ms");
    if (!Double.isNaN(p99)) {
      double needed = settle + 250;
      line(String.format(Locale.ROOT, "| latency p99 ≤ settle window + 250 ms | %.0f ms (settle %.0f ms) | ≤ %.0f ms | %s |",
          p99, settle, needed, p99 <= needed ? "met" : String.format(Locale.ROOT, "missed by %.0f ms", p99 - needed)));
    }
    if (has("restart.events_published")) {
      double published = number("restart.events_published");
      line(String.format(Locale.ROOT, "| restart on the unchanged tree publishes 0 events | %.0f | 0 | %s |",
          published, published == 0 ? "met" : "missed"));
    }
    line("");
  }

  private void goal(String name, double measured, double reference, double share, String format) {
    if (Double.isNaN(measured) || Double.isNaN(reference)) {
      return;
    }
    double needed = reference * share;
    double ratio = measured / reference;
    String verdict =
        measured >= needed
            ? String.format(Locale.ROOT, "met (%.2f× what is needed)", measured / needed)
            : String.format(Locale.ROOT, "missed by %.0f%% (needs %.2f× more)", 100 * (1 - measured / needed), needed / measured);
    line(String.format(Locale.ROOT, "| %s | " + format + " = %.2f× | ≥ " + format + " | %s |", name, measured, ratio, needed, verdict));
  }

  private void smallFiles() {
    double files = number("meta.small_files");
    line(String.format(Locale.ROOT, "#### 1. Small files: %,.0f files of 1–8 KiB in %.0f directories (%.0f MB), warm",
        files, number("meta.small_dirs"), number("tree.a.bytes") / 1e6));
    line("");
    line("Files per second of wall time, every row over the same kind of tree in the page cache; the tools"
        + " are the median of " + textOr("meta.tool_runs", "?") + " runs (range in brackets).");
    line("");
    line("| what | seconds | files/s | × `sha256sum` | × Java walk |");
    line("| --- | ---: | ---: | ---: | ---: |");
    double sha = number("tools.small.sha256sum");
    double java = number("tools.small.java");
    String cores = textOr("meta.cores", "N");
    smallRow("`find | xargs -0 -P" + cores + " sha256sum`", spread("tools.small.sha256sum", "%.2f"), number("tools.small.sha256sum"), sha, java);
    smallRow("`find | xargs -0 -P" + cores + " openssl dgst -sha256`", spread("tools.small.openssl", "%.2f"), number("tools.small.openssl"), sha, java);
    smallRow("Java walk + hash, " + cores + " threads, in the JVM", spread("tools.small.java", "%.2f"), java, sha, java);
    smallRow("the same, with the JVM's start", spread("tools.small.java_wall", "%.2f"), number("tools.small.java_wall"), sha, java);
    SMALL_RUNS.forEach(
        (tag, who) -> {
          if (has(tag + ".last_result_ms")) {
            boolean shipped = !tag.endsWith("t");
            double fromEvent = span(tag, false);
            double fromLaunch = span(tag, true);
            smallRow((shipped ? "**pipeline, " + who + "**" : "pipeline, " + who) + ": first event → last committed result",
                String.format(Locale.ROOT, "%.2f", fromEvent), fromEvent, sha, java);
            if (shipped) {
              smallRow("pipeline, " + who + ": producer launched → last committed result",
                  String.format(Locale.ROOT, "%.2f", fromLaunch), fromLaunch, sha, java);
            }
          }
        });
    line("");
    for (String tag : SMALL_RUNS.keySet()) {
      if (has(tag + ".last_result_ms")) {
        line(String.format(Locale.ROOT, "- `%s`: results %s (by consumer: %s); the producer's own log: \"%s\"; the producer's"
                + " first event %.2f s after its launch.",
            tag, textOr(tag + ".statuses", "?"), textOr(tag + ".by_consumer", "?"), textOr(tag + ".scan_line", "?"),
            (number(tag + ".first_event_ms") - number(tag + ".launch_ms")) / 1000));
      }
    }
    line("");
  }

  /** The small-files runs of the pipeline and what they were. */
  private static final Map<String, String> SMALL_RUNS = new LinkedHashMap<>();

  static {
    SMALL_RUNS.put("small1", "one consumer");
    SMALL_RUNS.put("small2", "two consumers");
    SMALL_RUNS.put("small1t", "one consumer, tuned: producer C1 only, `--batch-records 5000`");
    SMALL_RUNS.put("small2t", "two consumers, tuned: producer C1 only, `--batch-records 5000`");
  }

  private void smallRow(String what, String seconds, double secondsValue, double sha, double java) {
    double files = number("meta.small_files");
    line(String.format(Locale.ROOT, "| %s | %s | %,.0f | %.2f | %.2f |", what, seconds, files / secondsValue,
        sha / secondsValue, java / secondsValue));
  }

  private void largeFiles() {
    double bytes = number("tree.large.bytes");
    line(String.format(Locale.ROOT, "#### 2. Large files: %.0f files of %.0f MiB (%.2f GiB), warm",
        number("meta.large_files"), number("meta.large_mib"), bytes / (1L << 30)));
    line("");
    String cores = textOr("meta.cores", "N");
    line("| what | seconds | MB/s | × `openssl dgst` (one process) | × `xargs -P" + cores + " openssl dgst` |");
    line("| --- | ---: | ---: | ---: | ---: |");
    double openssl = number("tools.large.openssl");
    largeRow("`openssl dgst -sha256`, one process over the files", spread("tools.large.openssl", "%.2f"), openssl, openssl);
    largeRow("`find | xargs -0 -n1 -P" + cores + " openssl dgst -sha256`",
        spread("tools.large.openssl_parallel", "%.2f"), number("tools.large.openssl_parallel"), openssl);
    Map<String, String> runs = new LinkedHashMap<>();
    runs.put("large1", "**pipeline, one consumer**");
    runs.put("large2", "pipeline, two consumers");
    runs.forEach(
        (tag, what) -> {
          if (has(tag + ".last_result_ms")) {
            double span = span(tag, false);
            largeRow(what + ": first event → last committed result", String.format(Locale.ROOT, "%.2f", span), span, openssl);
          }
        });
    line("");
  }

  private void largeRow(String what, String seconds, double secondsValue, double reference) {
    double bytes = number("tree.large.bytes");
    line(String.format(Locale.ROOT, "| %s | %s | %,.0f | %.2f | %.2f |", what, seconds, bytes / 1e6 / secondsValue,
        reference / secondsValue, number("tools.large.openssl_parallel") / secondsValue));
  }

  /** CPU seconds of every process of each run of the pipeline, against the tools'. */
  private void cpu() {
    line("#### Where the CPU goes");
    line("");
    line("CPU seconds (user + system) of each process over a run: the producer's since its launch (JVM start"
        + " included), the consumers', the broker's and the registry's from the moment the producer was launched to"
        + " the last result; the tools' are their processes' (median). The machine has "
        + textOr("meta.cores", "?") + " cores: a run cannot take less wall time than its CPU seconds over that.");
    line("");
    line("| run | wall s | producer | consumer(s) | broker | registry | all | CPU per unit of work |");
    line("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
    Map<String, String> runs = new LinkedHashMap<>(SMALL_RUNS);
    runs.put("large1", "large files, one consumer");
    runs.put("large2", "large files, two consumers");
    runs.forEach(
        (tag, who) -> {
          if (!has(tag + ".cpu.producer")) {
            return;
          }
          double consumers = 0;
          List<String> each = new ArrayList<>();
          for (int i = 1; has(tag + ".cpu.consumer_" + i); i++) {
            consumers += number(tag + ".cpu.consumer_" + i);
            each.add(String.format(Locale.ROOT, "%.1f", number(tag + ".cpu.consumer_" + i)));
          }
          double all = number(tag + ".cpu.producer") + consumers + number(tag + ".cpu.broker") + number(tag + ".cpu.registry");
          String unit =
              tag.startsWith("large")
                  ? String.format(Locale.ROOT, "%.2f s/GiB", all / (number("tree.large.bytes") / (1L << 30)))
                  : String.format(Locale.ROOT, "%,.0f µs/file", all * 1e6 / number("meta.small_files"));
          line(String.format(Locale.ROOT, "| `%s` (%s) | %.1f | %.1f | %s | %.1f | %.1f | %.1f | %s |", tag, who,
              span(tag, true), number(tag + ".cpu.producer"), String.join(" + ", each), number(tag + ".cpu.broker"),
              number(tag + ".cpu.registry"), all, unit));
        });
    SMALL_RUNS.forEach(
        (tag, who) -> {
          if (!has(tag + ".cpu.producer_at_first_event")) {
            return;
          }
          double steady = number(tag + ".cpu.producer") - number(tag + ".cpu.producer_at_first_event");
          line(String.format(Locale.ROOT, "| `%s`: the producer after its first event (steady state) | | %.1f | | | | | %,.0f µs/file |",
              tag, steady, steady * 1e6 / number("meta.small_files")));
        });
    for (String[] tool : new String[][] {{"tools.small.sha256sum", "`xargs sha256sum`"}, {"tools.small.openssl", "`xargs openssl dgst`"},
        {"tools.small.java_wall", "Java walk + hash (whole JVM)"}}) {
      if (has(tool[0] + "_cpu")) {
        double cpu = number(tool[0] + "_cpu");
        line(String.format(Locale.ROOT, "| %s, small files | %.1f | | | | | %.1f | %,.0f µs/file |", tool[1], number(tool[0]), cpu,
            cpu * 1e6 / number("meta.small_files")));
      }
    }
    for (String[] tool : new String[][] {{"tools.large.openssl", "`openssl dgst`, one process"}, {"tools.large.openssl_parallel", "`xargs -P openssl dgst`"}}) {
      if (has(tool[0] + "_cpu")) {
        double cpu = number(tool[0] + "_cpu");
        line(String.format(Locale.ROOT, "| %s, large files | %.1f | | | | | %.1f | %.2f s/GiB |", tool[1], number(tool[0]), cpu,
            cpu / (number("tree.large.bytes") / (1L << 30))));
      }
    }
    line("");
  }

  private void publishing() {
    if (!has("publish.kafka.events_per_second")) {
      return;
    }
    line(String.format(Locale.ROOT, "#### 3. Publishing: %,.0f events, %.0f-byte records (key %s + value %s bytes)",
        number("publish.launcher.events"), number("publish.launcher.record_bytes"),
        textOr("publish.launcher.key_bytes", "?"), textOr("publish.launcher.value_bytes", "?")));
    line("");
    line("Events per second from the first send to the last acknowledgement, same broker, same client settings"
        + " (acks=all, idempotence, linger 20 ms, 256 KiB batches, lz4); median of the rounds (range in brackets).");
    line("");
    line("| what | events/s | × `ProducerPerformance` |");
    line("| --- | ---: | ---: |");
    double kafka = number("publish.kafka.events_per_second");
    publishRow("Kafka's `ProducerPerformance` (G1, C2: as `kafka-producer-perf-test.sh` runs it)", "publish.kafka.events_per_second", kafka);
    publishRow("**the producer's publisher** (`Publisher`, the launcher's JVM flags)", "publish.launcher.events_per_second", kafka);
    line("");
  }

  private void publishRow(String what, String key, double reference) {
    if (has(key)) {
      line(String.format(Locale.ROOT, "| %s | %s | %.2f |", what, spread(key, "%,.0f"), number(key) / reference));
    }
  }

  private void latency() {
    if (!has("latency.samples")) {
      return;
    }
    line(String.format(Locale.ROOT, "#### 4. Latency: %.0f single 4 KiB writes (after %.0f to warm up), settle window %.0f ms",
        number("latency.samples"), number("latency.warmup"), number("latency.settle_ms")));
    line("");
    line("From the return of `close` to the moment a `read_committed` reader sees the file's result, and to the"
        + " moment `inotifywait -m -e close_write` prints the file's name; one write at a time, 20–60 ms apart.");
    line("");
    line("| what | p50 ms | p90 ms | p99 ms | max ms |");
    line("| --- | ---: | ---: | ---: | ---: |");
    for (String[] row :
        new String[][] {
          {"pipeline", "**close → HashResult committed**"},
          {"hashed", "of which close → hashed (the result's `hashedAt`)"},
          {"committed", "of which hashed → committed and seen"},
          {"inotify", "close → `inotifywait` event"}
        }) {
      if (has("latency." + row[0] + "_p50_ms")) {
        line(String.format(Locale.ROOT, "| %s | %s | %s | %s | %s |", row[1],
            textOr("latency." + row[0] + "_p50_ms", "?"), textOr("latency." + row[0] + "_p90_ms", "?"),
            textOr("latency." + row[0] + "_p99_ms", "?"), textOr("latency." + row[0] + "_max_ms", "?")));
      }
    }
    if (has("latency.inotify_note")) {
      line("");
      line("`inotifywait`: " + textOr("latency.inotify_note", ""));
    }
    line("");
    line(String.format(Locale.ROOT, "Results that never came (30 s): %.0f.", number("latency.lost")));
    line("");
  }

  private void restart() {
    if (!has("restart.watching_seconds")) {
      return;
    }
    line("#### 5. Restart: the producer again on the unchanged tree of `small1`");
    line("");
    line(String.format(Locale.ROOT, "- Events published: **%.0f** (the events topic's end offsets before and after;"
        + " the producer's own counter says %s).", number("restart.events_published"), textOr("restart.published_metric", "?")));
    line(String.format(Locale.ROOT, "- Watching with its index loaded **%.1f s** after its launch (the index was loaded"
        + " after %.1f s: \"%s\"; then \"%s\"). The scan's end is reported once a second, so this is up to 1 s late.",
        number("restart.watching_seconds"), number("restart.index_loaded_seconds"), textOr("restart.index_line", "?"),
        textOr("restart.scan_line", "?")));
    line("");
  }

  private void memory() {
    line("#### 6. Memory and start-up");
    line("");
    line("| what | figure |");
    line("| --- | ---: |");
    if (has("index.bytes_per_file")) {
      line(String.format(Locale.ROOT, "| producer index, heap per file (%,.0f synthetic entries, %,.0f directories, heap after full GCs) | %.0f bytes (%.0f MB in all) |",
          number("index.files"), number("index.directories"), number("index.bytes_per_file"), number("index.heap_bytes") / 1e6));
    }
    double files = number("meta.small_files");
    double warm = number("tree.warm.files");
    if (has("small1.producer_heap_bytes") && has("small1.warm_producer_heap_bytes")) {
      // Two processes: their difference over the files is too noisy to be a per-file figure.
      line(String.format(Locale.ROOT, "| the producer process: live heap (old generation after a full GC) watching %,.0f files"
              + " (`small1`), and %,.0f (its warm-up) | %.0f MB, %.0f MB |",
          files, warm, number("small1.producer_heap_bytes") / 1e6, number("small1.warm_producer_heap_bytes") / 1e6));
    }
    for (String tag : List.of("small1", "small2", "small1t", "small2t", "large1", "large2")) {
      if (has(tag + ".producer_rss_kib")) {
        line(String.format(Locale.ROOT, "| `%s`: producer RSS, largest | %.0f MiB |", tag, number(tag + ".producer_rss_kib") / 1024));
      }
      for (int i = 1; i <= 2; i++) {
        String consumer = tag + ".consumer_" + i;
        if (has(consumer + ".max_rss_kib")) {
          line(String.format(Locale.ROOT, "| `%s`: consumer %d RSS, idle → largest while hashing | %.0f → %.0f MiB |", tag, i,
              number(consumer + ".idle_rss_kib") / 1024, number(consumer + ".max_rss_kib") / 1024));
        }
      }
    }
    for (String[] start : new String[][] {{"cold", "first start on a fresh data directory (no AOT caches; trains them)"}, {"aot", "second start (with the AOT caches)"}}) {
      String prefix = "runtime." + start[0];
      if (has(prefix + ".ready_seconds")) {
        line(String.format(Locale.ROOT, "| local runtime, %s: launch → ready (its own log: %s s) | %.1f s |",
            start[1], textOr(prefix + ".own_ready_seconds", "?"), number(prefix + ".ready_seconds")));
        double total = number(prefix + ".rss_launcher_kib") + number(prefix + ".rss_broker_kib") + number(prefix + ".rss_registry_kib");
        line(String.format(Locale.ROOT, "| local runtime, %s: RSS 3 s after ready, launcher + broker + registry | %.0f + %.0f + %.0f = %.0f MiB |",
            start[0].equals("cold") ? "cold" : "with AOT caches",
            number(prefix + ".rss_launcher_kib") / 1024, number(prefix + ".rss_broker_kib") / 1024,
            number(prefix + ".rss_registry_kib") / 1024, total / 1024));
      }
    }
    if (has("runtime.cold.stop_seconds")) {
      line(String.format(Locale.ROOT, "| local runtime: first stop (writes the AOT caches) / last stop | %.1f s / %.1f s |",
          number("runtime.cold.stop_seconds"), number("runtime.last_stop_seconds")));
    }
    line("");
  }

  // ---- BENCHMARKS.md -----------------------------------------------------------------------------

  /** Replaces the text between the markers, or appends the section with them. */
  static void write(Path file, String section) throws IOException {
    String text = Files.readString(file, StandardCharsets.UTF_8);
    int begin = text.indexOf(BEGIN);
    int end = text.indexOf(END);
    String updated;
    if (begin >= 0 && end > begin) {
      int after = end + END.length();
      if (after < text.length() && text.charAt(after) == '\n') {
        after++;
      }
      updated = text.substring(0, begin) + section + text.substring(after);
    } else {
      String separator = text.endsWith("\n") ? "\n" : "\n\n";
      updated = text + separator + (text.contains(HEADING) ? "" : HEADING + "\n\n") + section;
    }
    Files.writeString(file, updated, StandardCharsets.UTF_8);
    E2e.log("report: wrote the results into " + file);
  }
}
