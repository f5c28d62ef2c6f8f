package io.hashstream.cli;

import io.hashstream.schemas.Topics;
import io.hashstream.schemas.avro.HashResult;
import java.io.PrintWriter;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.errors.TimeoutException;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code hashstream tail}: prints committed hash results as JSON lines. */
@Command(
    name = "tail",
    mixinStandardHelpOptions = true,
    description = {
      "Prints committed results of the hash topic (read_committed) as one JSON object per line:"
          + " Avro field names, the digest in lowercase hex, a tombstone as the key with"
          + " \\\"deleted\\\": true. Runs until Ctrl-C, or with --latest reads to the end and exits."
    })
final class TailCommand implements Callable<Integer>, UsesCluster {
  @Mixin private ClusterOptions cluster = new ClusterOptions();
  @Mixin private MetricsOptions metrics = new MetricsOptions();

  @Option(names = "--from-beginning", description = "Start with the oldest record, not the newest.")
  private boolean fromBeginning;

  @Option(
      names = "--latest",
      description =
          "Read the topic to its end, print only the newest value of each key (skipping deleted"
              + " files), and exit.")
  private boolean latest;

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
  public Integer call() {
    cluster.requireMatchingListener();
    try {
      return read(out());
    } catch (TimeoutException e) {
      throw cluster.unreachable(e);
    }
  }

  private int read(PrintWriter out) {
    try (HashTopicReader reader =
        new HashTopicReader(
            cluster.bootstrapServers(), cluster.schemaRegistry(), cluster.clientProperties(), hashesTopic)) {
      if (latest) {
        if (!reader.assign(true, () -> false)) {
          return 0;
        }
        Map<String, @Nullable HashResult> table = reader.readToEnd();
        table.forEach(
            (key, value) -> {
              if (value != null) {
                out.println(HashResultJson.line(key, value));
              }
            });
        out.flush();
        return 0;
      }
      metrics.serve(MetricsOptions.Health::ready);
      CountDownLatch finished = new CountDownLatch(1);
      ShutdownSignals.onSignal(
          () -> {
            reader.wakeup();
            try {
              finished.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
          });
      try {
        if (reader.assign(fromBeginning, () -> false)) {
          reader.follow(
              (key, value) -> {
                out.println(HashResultJson.line(key, value));
                out.flush();
              },
              () -> false);
        }
      } finally {
        finished.countDown();
      }
      return 0;
    }
  }

  private PrintWriter out() {
    CommandSpec current = spec;
    if (current == null) {
      throw new IllegalStateException("picocli injects the spec before call()");
    }
    return current.commandLine().getOut();
  }
}
