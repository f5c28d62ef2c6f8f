package io.hashstream.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hashstream.consumer.verify.Finding;
import io.hashstream.consumer.verify.Verdict;
import io.hashstream.consumer.verify.Verification;
import io.hashstream.consumer.verify.VerifyProgress;
import io.hashstream.consumer.verify.VerifySettings;
import io.hashstream.consumer.verify.VerifySummary;
import io.hashstream.schemas.Topics;
import java.io.Console;
import java.io.PrintWriter;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.kafka.common.errors.TimeoutException;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code hashstream verify}: the table held against the trees, re-reading what still matches. */
@Command(
    name = "verify",
    mixinStandardHelpOptions = true,
    description = {
      "Reads the table (committed, the latest value of each key) for the given roots, walks the trees,"
          + " and re-hashes the files whose metadata still matches their entry. Prints one JSON object"
          + " per finding (verdict drift, tableBehind, missingFromTable, goneFromTree or uncertain;"
          + " with --all every path) and a summary line last. Never changes the table.",
      "Exit status: 0 when the table is true of the trees, 3 when it found drift or a table behind"
          + " (tableBehind, missingFromTable, goneFromTree), 2 for a usage error, 1 for a failure."
    })
final class VerifyCommand implements Callable<Integer>, UsesCluster {
  static final int TABLE_UNTRUE = 3;
  private static final ObjectMapper JSON = new ObjectMapper();

  @Mixin private ClusterOptions cluster = new ClusterOptions();

  @Option(
      names = "--root",
      paramLabel = "NAME=DIR",
      required = true,
      description = "A root to verify, and where this host sees it (repeatable).")
  private List<String> roots = new ArrayList<>();

  @Option(
      names = "--sample",
      paramLabel = "PERCENT",
      defaultValue = "100",
      description =
          "Re-hash this share of the files whose metadata matches (above 0 to 100; default:"
              + " ${DEFAULT-VALUE}). The others count as notSampled.")
  private double samplePercent = 100;

  @Option(
      names = "--seed",
      paramLabel = "N",
      description = "Which files the sample takes: the same seed, the same files (default: a new one each run, printed in the summary).")
  private @Nullable Long seed;

  @Option(
      names = "--max-bytes-per-second",
      paramLabel = "BYTES",
      defaultValue = "0",
      converter = ByteCountConverter.class,
      description = "Read at most this many bytes per second, such as 20M (default: no limit).")
  private long maxBytesPerSecond;

  @Option(names = "--all", description = "Print a line for every path, verified and not sampled ones too.")
  private boolean all;

  @Option(
      names = "--republish",
      paramLabel = "URL",
      description =
          "Hand the paths whose table is behind (tableBehind, missingFromTable, goneFromTree; never"
              + " drift) to the running producer of their roots, which publishes them again as they"
              + " are now: the address of its --metrics-port on this host, such as"
              + " http://127.0.0.1:9464.")
  private java.net.@Nullable URI republish;

  @Option(
      names = "--hashes-topic",
      paramLabel = "TOPIC",
      defaultValue = Topics.HASHES,
      description = "The hash topic (default: ${DEFAULT-VALUE}).")
  private String hashesTopic = Topics.HASHES;

  @Spec private @Nullable CommandSpec spec;

  @Override
  public ClusterOptions cluster() {
    return cluster;
  }

  /** It reads the hash topic, without a group. */
  @Override
  public String operation() {
    return "Read";
  }

  @Override
  public Integer call() throws InterruptedException {
    cluster.requireMatchingListener();
    if (!(samplePercent > 0 && samplePercent <= 100)) {
      throw new UserErrors.UsageException("--sample takes a percentage above 0 and at most 100, not " + samplePercent);
    }
    if (maxBytesPerSecond < 0) {
      throw new UserErrors.UsageException("--max-bytes-per-second cannot be negative");
    }
    Map<String, java.nio.file.Path> directories = RootArguments.parse(roots);
    long runSeed = seed != null ? seed : new SecureRandom().nextLong();
    VerifySettings settings =
        new VerifySettings(
            cluster.bootstrapServers(),
            cluster.schemaRegistry(),
            cluster.clientProperties(),
            hashesTopic,
            directories,
            samplePercent,
            runSeed,
            maxBytesPerSecond);
    CommandSpec current = spec;
    if (current == null) {
      throw new IllegalStateException("picocli injects the spec before call()");
    }
    PrintWriter out = current.commandLine().getOut();
    PrintWriter err = current.commandLine().getErr();
    boolean terminal = onTerminal();
    java.net.URI producer = republish;
    Republisher republisher = producer == null ? null : new Republisher(producer);
    VerifySummary summary;
    try {
      summary =
          Verification.run(
              settings,
              finding -> {
                if (all || (finding.verdict() != Verdict.VERIFIED && finding.verdict() != Verdict.NOT_SAMPLED)) {
                  out.println(line(finding));
                  out.flush();
                }
                if (republisher != null) {
                  republisher.take(finding);
                }
              },
              progress -> {
                if (terminal) {
                  err.print("\r" + progressLine(progress));
                  err.flush();
                }
              });
    } catch (TimeoutException e) {
      throw cluster.unreachable(e);
    }
    if (terminal) {
      err.print("\r\033[K");
    }
    out.println(summaryLine(summary));
    out.flush();
    err.println("hashstream verify: " + humanSummary(summary));
    err.flush();
    if (republisher != null) {
      int sent = republisher.send();
      err.println("hashstream verify: " + sent + " paths handed to the producer at " + producer + " to publish again");
      err.flush();
    }
    return summary.tableUntrue() ? TABLE_UNTRUE : 0;
  }

  /** Progress only on a terminal: a pipe or a file gets the JSON lines and nothing else. */
  // NullAway's model of the JDK has System.console() nullable, as it was before JDK 22 and still is
  // with jdk.console set to none; the null check stays, so Error Prone's advice does not apply.
  @SuppressWarnings("SystemConsoleNull")
  private static boolean onTerminal() {
    Console console = System.console();
    return console != null && console.isTerminal();
  }

  static String line(Finding finding) {
    ObjectNode node = JSON.createObjectNode();
    node.put("verdict", finding.verdict().jsonName());
    node.put("key", finding.key());
    node.put("root", finding.root());
    node.put("path", finding.path());
    putIfPresent(node, "detail", finding.detail());
    putIfPresent(node, "tableDigest", finding.tableDigest());
    putIfPresent(node, "digest", finding.digest());
    return node.toString();
  }

  private static void putIfPresent(ObjectNode node, String name, @Nullable String value) {
    if (value != null) {
      node.put(name, value);
    }
  }

  static String summaryLine(VerifySummary summary) {
    ObjectNode node = JSON.createObjectNode();
    ObjectNode counts = node.putObject("summary");
    summary.counts().forEach((verdict, count) -> counts.put(verdict.jsonName(), count));
    counts.put("filesRead", summary.filesRead());
    counts.put("bytesRead", summary.bytesRead());
    counts.put("seconds", summary.took().toMillis() / 1000.0);
    counts.put("seed", summary.seed());
    return node.toString();
  }

  private static String humanSummary(VerifySummary summary) {
    StringBuilder text = new StringBuilder();
    summary.counts().forEach((verdict, count) -> {
      if (count > 0 || verdict == Verdict.VERIFIED) {
        text.append(text.isEmpty() ? "" : ", ").append(count).append(' ').append(verdict.jsonName());
      }
    });
    text.append("; ")
        .append(summary.filesRead())
        .append(" files, ")
        .append(summary.bytesRead())
        .append(" bytes read in ")
        .append(summary.took().toMillis() / 1000.0)
        .append(" s");
    return text.toString();
  }

  private static String progressLine(VerifyProgress progress) {
    return "verify: "
        + progress.paths()
        + " paths judged of about "
        + progress.entries()
        + " entries, "
        + progress.bytesRead() / (1024 * 1024)
        + " MiB read (root "
        + progress.root()
        + ")\033[K";
  }
}
