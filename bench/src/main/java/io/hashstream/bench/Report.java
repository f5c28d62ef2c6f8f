package io.hashstream.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import org.jspecify.annotations.Nullable;

/**
 * Turns one run of {@code bench/kernel} into ratios: reads the run's directory (JMH's CSV results,
 * the reference tools' CPU times, {@code openssl speed}'s samples, the profiles, the machine),
 * prints every comparison as a ratio measured in that run, checks the goals of issue #9, and writes
 * the results as Markdown into the marked section of BENCHMARKS.md.
 *
 * <pre>{@code java -cp ... io.hashstream.bench.Report RUN_DIRECTORY [BENCHMARKS.md]}</pre>
 *
 * <p>Every throughput is per core, by CPU time: bytes (or files) over the CPU time the work took,
 * user plus system. JMH's figures come from {@link ThreadCpuProfiler} (the benchmark thread),
 * {@code openssl dgst} and {@code sha256sum}'s from the shell's {@code time} (the process), {@code
 * openssl speed}'s from OpenSSL itself (user time, its default).
 */
public final class Report {
  static final String BEGIN =
      "<!-- bench/kernel results: begin (written by bench/kernel, do not edit by hand) -->";
  static final String END = "<!-- bench/kernel results: end -->";

  /** The goals of issue #9. */
  private static final double LIMIT_SHARE = 0.95;

  private static final List<String> SIZES = List.of("4K", "64K", "1M", "64M", "1G");
  private static final List<String> LARGE = List.of("1M", "64M", "1G");

  /**
   * One throughput: CPU nanoseconds per operation of {@code bytes} in {@code files} files, with its
   * spread as a fraction: the standard deviation of JMH's iterations over their mean, or half the
   * range of a tool's runs over their median.
   */
  record Figure(
      String label,
      double cpuNanosPerOp,
      long bytesPerOp,
      double filesPerOp,
      double util,
      double spread) {
    double gigabytesPerSecond() {
      return bytesPerOp / cpuNanosPerOp;
    }

    double filesPerSecond() {
      return filesPerOp * 1e9 / cpuNanosPerOp;
    }
  }

  private final Path run;
  private final Properties meta = new Properties();

  /** Per size, the figures in display order. */
  private final Map<String, List<Figure>> bySize = new LinkedHashMap<>();

  private final List<Figure> cpuLimit = new ArrayList<>();
  private final List<Double> speedSamples = new ArrayList<>();

  private Report(Path run) {
    this.run = run;
  }

  public static void main(String[] args) throws IOException {
    if (args.length < 1 || args.length > 2) {
      System.err.println("usage: Report RUN_DIRECTORY [BENCHMARKS.md]");
      System.exit(2);
    }
    Report report = new Report(Path.of(args[0]));
    report.load();
    String text = report.text();
    System.out.print(text);
    String markdown = report.markdown();
    Files.writeString(report.run.resolve("results.md"), markdown, StandardCharsets.UTF_8);
    if (args.length == 2) {
      splice(Path.of(args[1]), markdown);
      System.out.println("\nwrote the results section of " + args[1]);
    }
  }

  // ---------------------------------------------------------------- loading

  private void load() throws IOException {
    try (var reader =
        Files.newBufferedReader(run.resolve("meta.properties"), StandardCharsets.UTF_8)) {
      meta.load(reader);
    }
    for (String size : SIZES) {
      bySize.put(size, new ArrayList<>());
    }
    List<Path> csvs = new ArrayList<>();
    try (DirectoryStream<Path> files = Files.newDirectoryStream(run, "jmh-*.csv")) {
      // The digest algorithms' runs have a report of their own (AlgorithmReport).
      files.forEach(
          csv -> {
            if (!csv.getFileName().toString().startsWith(AlgorithmReport.JMH_PREFIX)) {
              csvs.add(csv);
            }
          });
    }
    Collections.sort(csvs);
    for (Path csv : csvs) {
      loadJmh(csv);
    }
    Path tools = run.resolve("tools.tsv");
    if (Files.exists(tools)) {
      loadTools(tools);
    }
    for (List<Figure> figures : bySize.values()) {
      // Stable: the consumer and the tools it is compared with first, then JMH's order.
      figures.sort(Comparator.comparingInt(Report::rank));
    }
    Path speed = run.resolve("speed.tsv");
    if (Files.exists(speed)) {
      for (String line : Files.readAllLines(speed, StandardCharsets.UTF_8)) {
        String[] fields = line.split("\t", -1);
        speedSamples.add(Double.parseDouble(fields[1]));
      }
    }
    if (!speedSamples.isEmpty()) {
      cpuLimit.add(
          0,
          new Figure(
              "`openssl speed -evp sha256 -bytes 16384` (median of "
                  + speedSamples.size()
                  + " samples, user time)",
              16384 / median(speedSamples) * 1e9,
              16384,
              1,
              Double.NaN,
              halfRange(speedSamples)));
    }
  }

  /** JMH's CSV: a primary row per benchmark and parameters, and our profiler's secondary rows. */
  private void loadJmh(Path csv) throws IOException {
    List<String> lines = Files.readAllLines(csv, StandardCharsets.UTF_8);
    if (lines.isEmpty()) {
      return;
    }
    List<String> header = splitCsv(lines.get(0));
    int benchmark = header.indexOf("Benchmark");
    int score = header.indexOf("Score");
    int error = header.indexOf("Score Error (99.9%)");
    int samples = header.indexOf("Samples");
    int size = header.indexOf("Param: size");
    int heap = header.indexOf("Param: heap");
    int direct = header.indexOf("Param: direct");
    int block = header.indexOf("Param: block");
    Map<String, Double> cpu = new LinkedHashMap<>();
    Map<String, Double> util = new LinkedHashMap<>();
    Map<String, Double> errors = new LinkedHashMap<>();
    Map<String, String[]> keys = new LinkedHashMap<>();
    for (String line : lines.subList(1, lines.size())) {
      List<String> row = splitCsv(line);
      String name = row.get(benchmark);
      String buffer = (heap >= 0 ? row.get(heap) : "") + (direct >= 0 ? row.get(direct) : "");
      String params =
          (size >= 0 ? row.get(size) : "")
              + "|"
              + buffer
              + "|"
              + (block >= 0 ? row.get(block) : "");
      int colon = name.indexOf(':');
      String method = name.substring(0, colon < 0 ? name.length() : colon);
      String key = method + "|" + params;
      keys.putIfAbsent(
          key,
          new String[] {
            method, size >= 0 ? row.get(size) : "", buffer, block >= 0 ? row.get(block) : ""
          });
      double value = Double.parseDouble(row.get(score));
      if (name.endsWith(":cpu.ns/op")) {
        cpu.put(key, value);
        errors.put(
            key,
            deviation(Double.parseDouble(row.get(error)), Integer.parseInt(row.get(samples)))
                / value);
      } else if (name.endsWith(":cpu.util")) {
        util.put(key, value);
      }
    }
    for (Map.Entry<String, String[]> entry : keys.entrySet()) {
      Double nanos = cpu.get(entry.getKey());
      if (nanos == null) {
        continue; // a run without -prof ThreadCpuProfiler: no CPU time, no figure
      }
      String[] k = entry.getValue();
      String method = k[0].substring(k[0].lastIndexOf('.') + 1);
      String owner = k[0].substring(0, k[0].lastIndexOf('.'));
      double u = util.getOrDefault(entry.getKey(), Double.NaN);
      double n = errors.getOrDefault(entry.getKey(), Double.NaN);
      if (owner.endsWith("CpuLimitBenchmark")) {
        long bytes = k[3].equals("64K") ? 64 << 10 : 16 << 10;
        cpuLimit.add(new Figure(cpuLimitLabel(method, k[3]), nanos, bytes, 1, u, n));
      } else {
        Corpus.Size set = Corpus.Size.of(k[1]);
        List<Figure> figures = bySize.get(k[1]);
        if (figures != null) {
          figures.add(new Figure(label(method, k[2]), nanos, set.bytes(), 1, u, n));
        }
      }
    }
  }

  /**
   * Lines {@code tool size files bytes user sys wall}, one per run of a tool; the median counts.
   */
  private void loadTools(Path tools) throws IOException {
    Map<String, List<Double>> cpu = new LinkedHashMap<>();
    Map<String, long[]> work = new LinkedHashMap<>();
    for (String line : Files.readAllLines(tools, StandardCharsets.UTF_8)) {
      String[] f = line.split("\t", -1);
      String key = f[0] + "|" + f[1];
      cpu.computeIfAbsent(key, k -> new ArrayList<>())
          .add(Double.parseDouble(f[4]) + Double.parseDouble(f[5]));
      work.put(key, new long[] {Long.parseLong(f[2]), Long.parseLong(f[3])});
    }
    for (Map.Entry<String, List<Double>> entry : cpu.entrySet()) {
      String[] key = entry.getKey().split("\\|", -1);
      long[] filesAndBytes = work.get(entry.getKey());
      List<Figure> figures = bySize.get(key[1]);
      if (filesAndBytes == null || figures == null) {
        continue;
      }
      double seconds = median(entry.getValue());
      // One "operation" is one file, as in JMH: CPU time per file, bytes per file.
      long files = filesAndBytes[0];
      figures.add(
          new Figure(
              toolLabel(key[0]),
              seconds * 1e9 / files,
              filesAndBytes[1] / files,
              1,
              Double.NaN,
              halfRange(entry.getValue())));
    }
  }

  // ---------------------------------------------------------------- labels

  private static final String CONSUMER =
      "**consumer**: `FileHashing.hash`, `FileOpener.forThisPlatform()`";
  private static final String LINUX_OPENER =
      "`FileHashing.hash`, `FileOpener.linux()` named explicitly";
  private static final String JAVA_OPENER =
      "`FileHashing.hash`, `FileOpener.java()` (checked Java path)";
  private static final String OPENSSL_DGST = "`openssl dgst -sha256`, one process over the set";
  private static final String SHA256SUM = "`sha256sum` (coreutils), one process over the set";

  private static String label(String method, String buffer) {
    return switch (method) {
      case "consumer" -> CONSUMER;
      case "linuxOpener" -> LINUX_OPENER;
      case "javaOpener" -> JAVA_OPENER;
      case "heapArray" -> "`FileChannel.read` into a " + buffer + " heap array";
      case "directBuffer" ->
          "`FileChannel.read` into a reused " + buffer + " direct buffer, `update(ByteBuffer)`";
      case "mappedByteBuffer" -> "mapped (64 MiB windows), `update(ByteBuffer)`";
      case "mappedCopy64K" -> "mapped, copied to `update` in 64 KiB heap pieces";
      case "mappedOpenSsl" -> "mapped, OpenSSL `EVP_Digest` through FFM (no copy, not the JDK)";
      case "readOnly" -> "`FileChannel.read` into 64 KiB, no hashing (the read alone)";
      default -> method + (buffer.isEmpty() ? "" : " " + buffer);
    };
  }

  private static int rank(Figure figure) {
    List<String> first = List.of(CONSUMER, LINUX_OPENER, JAVA_OPENER, OPENSSL_DGST, SHA256SUM);
    int index = first.indexOf(figure.label());
    return index < 0 ? first.size() : index;
  }

  private static String cpuLimitLabel(String method, String block) {
    return switch (method) {
      case "jdk" -> "JDK `MessageDigest` (intrinsic), " + block + " blocks in memory, JMH";
      case "openSsl" -> "OpenSSL `EVP_Digest` through FFM, " + block + " blocks in memory, JMH";
      default -> method + " " + block;
    };
  }

  private static String toolLabel(String tool) {
    return switch (tool) {
      case "openssl-dgst" -> OPENSSL_DGST;
      case "sha256sum" -> SHA256SUM;
      default -> tool;
    };
  }

  // ---------------------------------------------------------------- figures

  /** {@code openssl speed}'s bytes per CPU nanosecond: the SHA-NI limit. */
  private double limit() {
    return speedSamples.isEmpty() ? Double.NaN : median(speedSamples) / 1e9;
  }

  private @Nullable Figure find(String size, String label) {
    for (Figure figure : bySize.getOrDefault(size, List.of())) {
      if (figure.label().equals(label)) {
        return figure;
      }
    }
    return null;
  }

  /**
   * The standard deviation of {@code n} iterations from JMH's 99.9% confidence half-width, which is
   * {@code t(0.9995, n - 1) * sd / sqrt(n)} (Student's t, the quantiles for up to 10 iterations).
   */
  static double deviation(double halfWidth, int n) {
    double[] t = {Double.NaN, 636.619, 31.599, 12.924, 8.610, 6.869, 5.959, 5.408, 5.041, 4.781};
    return n < 2 || n > t.length ? Double.NaN : halfWidth * Math.sqrt(n) / t[n - 1];
  }

  /** Half the range of {@code values}, as a fraction of their median (NaN for one value). */
  private static double halfRange(List<Double> values) {
    if (values.size() < 2) {
      return Double.NaN;
    }
    return (Collections.max(values) - Collections.min(values)) / 2 / median(values);
  }

  private static String files(Figure figure) {
    double perSecond = figure.filesPerSecond();
    return String.format(Locale.ROOT, perSecond < 100 ? "%.2f" : "%,.0f", perSecond);
  }

  private static String spread(Figure figure) {
    return Double.isNaN(figure.spread())
        ? ""
        : String.format(Locale.ROOT, "±%.0f%%", 100 * figure.spread());
  }

  private static double median(List<Double> values) {
    List<Double> sorted = new ArrayList<>(values);
    Collections.sort(sorted);
    int n = sorted.size();
    return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
  }

  /** The goal checks, one line each: what, measured, goal, verdict. */
  private List<String[]> goals() {
    List<String[]> goals = new ArrayList<>();
    double limit = limit();
    for (String size : LARGE) {
      Figure consumer = find(size, CONSUMER);
      if (consumer == null || Double.isNaN(limit)) {
        goals.add(
            new String[] {
              "consumer ≥ 0.95 × `openssl speed` per core, " + size + " files",
              "not measured",
              "",
              "NOT MEASURED"
            });
        continue;
      }
      double ratio = consumer.gigabytesPerSecond() / limit;
      goals.add(
          new String[] {
            "consumer ≥ 0.95 × `openssl speed` per core, " + size + " files",
            String.format(Locale.ROOT, "%.3f GB/s = %.2f×", consumer.gigabytesPerSecond(), ratio),
            String.format(Locale.ROOT, "≥ %.3f GB/s", LIMIT_SHARE * limit),
            verdict(ratio / LIMIT_SHARE)
          });
    }
    Figure consumer = find("4K", CONSUMER);
    Figure dgst = find("4K", OPENSSL_DGST);
    if (consumer == null || dgst == null) {
      goals.add(
          new String[] {
            "consumer files/s ≥ `openssl dgst` files/s, 4 KiB files",
            "not measured",
            "",
            "NOT MEASURED"
          });
    } else {
      double ratio = consumer.filesPerSecond() / dgst.filesPerSecond();
      goals.add(
          new String[] {
            "consumer files/s ≥ `openssl dgst` files/s, 4 KiB files",
            String.format(Locale.ROOT, "%,.0f files/s = %.2f×", consumer.filesPerSecond(), ratio),
            String.format(Locale.ROOT, "≥ %,.0f files/s", dgst.filesPerSecond()),
            verdict(ratio)
          });
    }
    return goals;
  }

  /** {@code ratio} of the goal: met, or missed by how much. */
  private static String verdict(double ratio) {
    return ratio >= 1
        ? "MET"
        : String.format(
            Locale.ROOT, "MISSED by %.1f%% (needs %.2f× more)", 100 * (1 - ratio), 1 / ratio);
  }

  // ---------------------------------------------------------------- output

  private String text() {
    StringBuilder out = new StringBuilder();
    double limit = limit();
    out.append(
        "\n== bench/kernel: SHA-256 per core, by CPU time (ratios measured in this run) ==\n");
    out.append(meta.getProperty("machine", "?")).append('\n');
    out.append(
        String.format(
            Locale.ROOT,
            "openssl speed samples (GB/s per CPU second): %s -> median %.3f%n",
            formatList(speedSamples),
            limit));
    out.append("\n-- CPU limit, in memory --\n");
    for (Figure figure : cpuLimit) {
      out.append(
          String.format(
              Locale.ROOT,
              "  %-90s %7.3f GB/s %5s  %5.2f× openssl speed%n",
              plain(figure.label()),
              figure.gigabytesPerSecond(),
              spread(figure),
              figure.gigabytesPerSecond() / limit));
    }
    for (Map.Entry<String, List<Figure>> entry : bySize.entrySet()) {
      if (entry.getValue().isEmpty()) {
        continue;
      }
      String size = entry.getKey();
      Figure consumer = find(size, CONSUMER);
      Figure dgst = find(size, OPENSSL_DGST);
      out.append("\n-- ").append(size).append(" files --\n");
      out.append(
          String.format(
              Locale.ROOT,
              "  %-90s %9s %6s %11s %8s %8s %8s %5s%n",
              "",
              "GB/s",
              "±",
              "files/s",
              "×speed",
              "×dgst",
              "×consumer",
              "util"));
      for (Figure figure : entry.getValue()) {
        out.append(
            String.format(
                Locale.ROOT,
                "  %-90s %9.3f %6s %11s %8.2f %8s %8s %5s%n",
                plain(figure.label()),
                figure.gigabytesPerSecond(),
                spread(figure),
                files(figure),
                figure.gigabytesPerSecond() / limit,
                ratio(figure, dgst),
                ratio(figure, consumer),
                Double.isNaN(figure.util())
                    ? ""
                    : String.format(Locale.ROOT, "%.2f", figure.util())));
      }
    }
    out.append("\n-- goals (issue #9) --\n");
    for (String[] goal : goals()) {
      out.append(
          String.format(
              Locale.ROOT, "  %-62s %-40s %-22s %s%n", plain(goal[0]), goal[1], goal[2], goal[3]));
    }
    return out.toString();
  }

  private static String ratio(Figure figure, @Nullable Figure base) {
    return base == null
        ? "-"
        : String.format(
            Locale.ROOT, "%.2f", figure.gigabytesPerSecond() / base.gigabytesPerSecond());
  }

  private static String plain(String markdown) {
    return markdown.replace("**", "").replace("`", "");
  }

  private static String formatList(List<Double> samples) {
    List<String> values = new ArrayList<>();
    for (double sample : samples) {
      values.add(String.format(Locale.ROOT, "%.3f", sample / 1e9));
    }
    return String.join(", ", values);
  }

  private String markdown() throws IOException {
    StringBuilder md = new StringBuilder();
    double limit = limit();
    md.append(BEGIN).append("\n\n");
    md.append("## Results of the last run\n\n");
    appendRun(md, meta, meta.getProperty("settings", ""), ", " + meta.getProperty("duration", "?"));
    md.append("- **Consumer's opener here:** ")
        .append(meta.getProperty("opener", "?"))
        .append("\n\n");

    md.append("### Goals of issue #9\n\n");
    md.append("| goal | measured | needed | verdict |\n| --- | --- | --- | --- |\n");
    for (String[] goal : goals()) {
      md.append("| ")
          .append(goal[0])
          .append(" | ")
          .append(goal[1])
          .append(" | ")
          .append(goal[2])
          .append(" | ")
          .append(goal[3].startsWith("MET") ? "**met**" : goal[3].toLowerCase(Locale.ROOT))
          .append(" |\n");
    }

    md.append("\n### The CPU limit: SHA-256 of 16 KiB blocks in memory\n\n");
    md.append(
        String.format(
            Locale.ROOT,
            "`openssl speed` samples through the run (GB/s per CPU second): %s.%n%n",
            formatList(speedSamples)));
    md.append("| what | GB/s per core | ± | × `openssl speed` |\n| --- | ---: | ---: | ---: |\n");
    for (Figure figure : cpuLimit) {
      md.append(
          String.format(
              Locale.ROOT,
              "| %s | %.3f | %s | %.2f |%n",
              figure.label(),
              figure.gigabytesPerSecond(),
              spread(figure),
              figure.gigabytesPerSecond() / limit));
    }

    md.append("\n### Files in the page cache, per size\n\n");
    md.append(
            "GB/s and files/s are per CPU second (user + system) of the hashing thread or process;"
                + " ")
        .append(
            "× columns are ratios to `openssl speed` (the limit), to `openssl dgst` over the same"
                + " files ")
        .append(
            "and to the consumer's path; ± is the standard deviation of JMH's 3 iterations over"
                + " their ")
        .append(
            "mean, or half the range of a tool's runs over their median; *util* is the share of the"
                + " iteration's wall time the JMH thread ")
        .append("had a core (below 1: the machine was busy).\n");
    for (Map.Entry<String, List<Figure>> entry : bySize.entrySet()) {
      if (entry.getValue().isEmpty()) {
        continue;
      }
      String size = entry.getKey();
      Corpus.Size set = Corpus.Size.of(size);
      Figure consumer = find(size, CONSUMER);
      Figure dgst = find(size, OPENSSL_DGST);
      md.append(
          String.format(
              Locale.ROOT,
              "%n#### %s files (%,d files, %s)%n%n",
              size,
              set.files(),
              mib(set.files() * set.bytes())));
      md.append("| path | GB/s | ± | files/s | × speed | × dgst | × consumer | util |\n")
          .append("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n");
      for (Figure figure : entry.getValue()) {
        md.append(
            String.format(
                Locale.ROOT,
                "| %s | %.3f | %s | %s | %.2f | %s | %s | %s |%n",
                figure.label(),
                figure.gigabytesPerSecond(),
                spread(figure),
                files(figure),
                figure.gigabytesPerSecond() / limit,
                ratio(figure, dgst),
                ratio(figure, consumer),
                Double.isNaN(figure.util())
                    ? ""
                    : String.format(Locale.ROOT, "%.2f", figure.util())));
      }
    }

    md.append("\n### Profile of the consumer hashing a tree (async-profiler, `event=cpu`)\n");
    appendProfile(md, "tree", "the whole corpus", "hashing-flamegraph");
    appendProfile(md, "small", "the 4 KiB files only", "small-files-flamegraph");
    md.append('\n').append(END).append('\n');
    return md.toString();
  }

  /**
   * The profile's summary, under links to its flame graphs: {@code bench/profiles/GRAPH.svg} and
   * async-profiler's interactive {@code GRAPH.html}.
   */
  private void appendProfile(StringBuilder md, String name, String what, String graph)
      throws IOException {
    Path collapsed = run.resolve("profile-" + name + ".collapsed");
    Path log = run.resolve("profile-" + name + ".txt");
    if (!Files.exists(collapsed)) {
      if (Files.exists(log)) {
        md.append("\n")
            .append(what)
            .append(": no async-profiler stacks; the run said:\n\n```\n")
            .append(Files.readString(log, StandardCharsets.UTF_8).strip())
            .append("\n```\n");
      }
      return;
    }
    ProfileSummary summary = ProfileSummary.read(collapsed);
    md.append("\n#### ")
        .append(what)
        .append(": [`bench/profiles/")
        .append(graph)
        .append(".svg`](bench/profiles/")
        .append(graph)
        .append(".svg) (interactive: [`")
        .append(graph)
        .append(".html`](bench/profiles/")
        .append(graph)
        .append(".html))\n\n");
    if (Files.exists(log)) {
      for (String line : Files.readAllLines(log, StandardCharsets.UTF_8)) {
        if (line.startsWith("tree:") || line.startsWith("hashed:")) {
          md.append("- ").append(line).append('\n');
        }
      }
      md.append("- ").append(summary.total()).append(" samples\n\n");
    }
    md.append(summary.markdown(8));
  }

  /** The run's date, machine, software, command with {@code settings}, and load, a line each. */
  static void appendRun(StringBuilder md, Properties meta, String settings, String afterCommand) {
    md.append("- **Date:** ").append(meta.getProperty("date", "?")).append('\n');
    md.append("- **Machine:** ").append(meta.getProperty("machine", "?")).append('\n');
    md.append("- **Software:** ").append(meta.getProperty("software", "?")).append('\n');
    md.append("- **Command:** `")
        .append(meta.getProperty("command", "bench/kernel"))
        .append("` (")
        .append(settings)
        .append(")")
        .append(afterCommand)
        .append('\n');
    md.append("- **Load average** (the machine is shared): ")
        .append(meta.getProperty("load", "?"))
        .append('\n');
  }

  private static String mib(long bytes) {
    return bytes >= 1L << 30 ? (bytes >> 30) + " GiB" : (bytes >> 20) + " MiB";
  }

  /** Replaces the marked section of {@code file} (or appends it) with {@code section}. */
  static void splice(Path file, String section) throws IOException {
    splice(file, section, BEGIN, END);
  }

  /** Replaces the section from {@code first} to {@code last} (or appends it) with {@code section}. */
  static void splice(Path file, String section, String first, String last) throws IOException {
    String text = Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
    int begin = text.indexOf(first);
    int end = text.indexOf(last);
    String updated;
    if (begin >= 0 && end > begin) {
      int after = end + last.length();
      if (after < text.length() && text.charAt(after) == '\n') {
        after++;
      }
      updated = text.substring(0, begin) + section + text.substring(after);
    } else {
      updated = text + (text.isEmpty() || text.endsWith("\n\n") ? "" : "\n") + section;
    }
    Files.writeString(file, updated, StandardCharsets.UTF_8);
  }

  /** Splits one line of JMH's CSV: quoted or bare fields, no quotes inside quotes. */
  static List<String> splitCsv(String line) {
    List<String> fields = new ArrayList<>();
    StringBuilder field = new StringBuilder();
    boolean quoted = false;
    for (int i = 0; i < line.length(); i++) {
      char c = line.charAt(i);
      if (c == '"') {
        quoted = !quoted;
      } else if (c == ',' && !quoted) {
        fields.add(field.toString());
        field.setLength(0);
      } else {
        field.append(c);
      }
    }
    fields.add(field.toString());
    return fields;
  }
}
