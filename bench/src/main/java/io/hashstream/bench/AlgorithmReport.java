package io.hashstream.bench;

import io.hashstream.consumer.HashAlgorithm;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.jspecify.annotations.Nullable;

/**
 * The digest algorithms' rows of bench/kernel (issue #22): for each algorithm the consumer's GB/s
 * per core on its read path and the best native tool's on the same files, and for several
 * algorithms at once from one read the measured cost against the sum of their costs alone. Reads
 * {@code jmh-algorithms-*.csv} and {@code algorithm-tools.tsv} of a run; writes its own section of
 * BENCHMARKS.md.
 */
public final class AlgorithmReport {
  static final String JMH_PREFIX = "jmh-algorithms";
  static final String BEGIN =
      "<!-- bench/kernel algorithms: begin (written by bench/kernel, do not edit by hand) -->";
  static final String END = "<!-- bench/kernel algorithms: end -->";

  /** CPU nanoseconds per file and bytes per file of one way of hashing, with its spread. */
  record Cost(double cpuNanosPerFile, long bytesPerFile, double spread) {
    double gigabytesPerSecond() {
      return bytesPerFile / cpuNanosPerFile;
    }
  }

  /** A tool's runs: what ran, and its cost. */
  record Tool(String command, Cost cost) {}

  private final Properties meta = new Properties();
  private final Map<String, Cost> alone = new LinkedHashMap<>();
  private final Map<String, Cost> together = new LinkedHashMap<>();
  private final Map<String, Tool> tools = new LinkedHashMap<>();
  private String set = "?";

  public static void main(String[] args) throws IOException {
    if (args.length < 1 || args.length > 2) {
      System.err.println("usage: AlgorithmReport RUN_DIRECTORY [BENCHMARKS.md]");
      System.exit(2);
    }
    Path run = Path.of(args[0]);
    AlgorithmReport report = new AlgorithmReport();
    report.load(run);
    String markdown = report.markdown();
    System.out.print(markdown);
    Files.writeString(run.resolve("algorithms.md"), markdown, StandardCharsets.UTF_8);
    if (args.length == 2) {
      Report.splice(Path.of(args[1]), markdown, BEGIN, END);
      System.out.println("\nwrote the digest algorithms section of " + args[1]);
    }
  }

  private void load(Path run) throws IOException {
    try (var reader = Files.newBufferedReader(run.resolve("meta.properties"), StandardCharsets.UTF_8)) {
      meta.load(reader);
    }
    try (DirectoryStream<Path> files = Files.newDirectoryStream(run, JMH_PREFIX + "*.csv")) {
      for (Path csv : files) {
        loadJmh(csv);
      }
    }
    Path tsv = run.resolve("algorithm-tools.tsv");
    if (Files.exists(tsv)) {
      loadTools(tsv);
    }
  }

  /** JMH's CSV: the profiler's {@code cpu.ns/op} rows, by method and the algorithms parameter. */
  private void loadJmh(Path csv) throws IOException {
    List<String> lines = Files.readAllLines(csv, StandardCharsets.UTF_8);
    if (lines.isEmpty()) {
      return;
    }
    List<String> header = Report.splitCsv(lines.get(0));
    int benchmark = header.indexOf("Benchmark");
    int score = header.indexOf("Score");
    int error = header.indexOf("Score Error (99.9%)");
    int samples = header.indexOf("Samples");
    int size = header.indexOf("Param: size");
    int algorithms = header.indexOf("Param: algorithms");
    for (String line : lines.subList(1, lines.size())) {
      List<String> row = Report.splitCsv(line);
      String name = row.get(benchmark);
      if (!name.endsWith(":cpu.ns/op")) {
        continue;
      }
      String method = name.substring(name.lastIndexOf('.', name.indexOf(':')) + 1, name.indexOf(':'));
      set = row.get(size);
      double nanos = Double.parseDouble(row.get(score));
      double spread =
          Report.deviation(Double.parseDouble(row.get(error)), Integer.parseInt(row.get(samples)))
              / nanos;
      Cost cost = new Cost(nanos, Corpus.Size.of(set).bytes(), spread);
      (method.equals("together") ? together : alone).put(row.get(algorithms), cost);
    }
  }

  /** Lines {@code algorithm command files bytes user sys wall}, one per run; the median counts. */
  private void loadTools(Path tsv) throws IOException {
    Map<String, List<Double>> cpu = new LinkedHashMap<>();
    Map<String, String[]> first = new LinkedHashMap<>();
    for (String line : Files.readAllLines(tsv, StandardCharsets.UTF_8)) {
      String[] f = line.split("\t", -1);
      cpu.computeIfAbsent(f[0], k -> new ArrayList<>())
          .add(Double.parseDouble(f[4]) + Double.parseDouble(f[5]));
      first.putIfAbsent(f[0], f);
    }
    cpu.forEach(
        (algorithm, seconds) -> {
          String[] f = first.get(algorithm);
          if (f == null) {
            return;
          }
          long files = Long.parseLong(f[2]);
          List<Double> sorted = seconds.stream().sorted().toList();
          double median = sorted.get(sorted.size() / 2);
          double spread = (sorted.getLast() - sorted.getFirst()) / 2 / median;
          tools.put(
              algorithm,
              new Tool(f[1], new Cost(median * 1e9 / files, Long.parseLong(f[3]) / files, spread)));
        });
  }

  private String markdown() {
    StringBuilder md = new StringBuilder();
    md.append(BEGIN).append("\n\n");
    md.append("### Digest algorithms: results of the last run\n\n");
    Report.appendRun(md, meta, meta.getProperty("algorithm_settings", ""), "");
    md.append("- **Files:** the ").append(set).append(" set of the corpus, in the page cache\n\n");
    md.append("GB/s per core by CPU time (user + system), one operation one file. **Consumer**: the")
        .append(" platform opener feeds its read buffers to that algorithm's digest alone")
        .append(" (`AlgorithmBenchmark.alone`). **Tool**: one process over the set, median of its")
        .append(" runs; its digest of the first file was checked equal to the consumer's.\n\n");
    md.append("| algorithm | tamper-evident | consumer GB/s per core | best native tool | tool GB/s per core | consumer ÷ tool |\n");
    md.append("| --- | --- | ---: | --- | ---: | ---: |\n");
    for (HashAlgorithm algorithm : HashAlgorithm.values()) {
      Cost cost = alone.get(algorithm.standardName());
      Tool tool = tools.get(algorithm.standardName());
      if (cost == null && tool == null) {
        continue;
      }
      md.append("| ").append(algorithm.standardName())
          .append(" | ").append(algorithm.tamperEvident() ? "yes" : "**no**")
          .append(" | ").append(speed(cost))
          .append(" | ").append(tool == null ? "—" : "`" + tool.command() + "`")
          .append(" | ").append(speed(tool == null ? null : tool.cost()))
          .append(" | ").append(ratio(cost, tool == null ? null : tool.cost()))
          .append(" |\n");
    }
    if (!together.isEmpty()) {
      md.append("\n#### Several algorithms from one read\n\n")
          .append("`FileHashing.hash` configured with the algorithms (`AlgorithmBenchmark.together`),")
          .append(" against the sum of each one's CPU time alone (each alone pays the read: the sum")
          .append(" pays it once per algorithm). Below 1: a further algorithm costs less than its")
          .append(" alone figure, its compute without another read.\n\n")
          .append("| algorithms | GB/s per core, one read | sum of each alone, GB/s per core | one read ÷ sum of alone (time) |\n")
          .append("| --- | ---: | ---: | ---: |\n");
      together.forEach(
          (names, cost) -> {
            double sum = 0;
            boolean complete = true;
            for (String name : names.split("\\+", -1)) {
              Cost part = alone.get(name);
              if (part == null) {
                complete = false;
              } else {
                sum += part.cpuNanosPerFile();
              }
            }
            md.append("| ").append(names.replace("+", ", "))
                .append(" | ").append(speed(cost))
                .append(" | ").append(complete ? String.format("%.2f", cost.bytesPerFile() / sum) : "—")
                .append(" | ").append(complete ? String.format("%.2f", cost.cpuNanosPerFile() / sum) : "—")
                .append(" |\n");
          });
    }
    md.append('\n').append(END).append('\n');
    return md.toString();
  }

  private static String speed(@Nullable Cost cost) {
    if (cost == null) {
      return "—";
    }
    if (Double.isNaN(cost.spread())) {
      return String.format("%.2f", cost.gigabytesPerSecond()); // one sample (--quick): no spread
    }
    return String.format("%.2f ± %.0f%%", cost.gigabytesPerSecond(), cost.spread() * 100);
  }

  private static String ratio(@Nullable Cost consumer, @Nullable Cost tool) {
    if (consumer == null || tool == null) {
      return "—";
    }
    return String.format("%.2f", consumer.gigabytesPerSecond() / tool.gigabytesPerSecond());
  }
}
