package io.hashstream.cli;

import io.hashstream.producer.FileProducer;
import io.hashstream.producer.KafkaSettings;
import io.hashstream.producer.ProducerException;
import io.hashstream.producer.ProducerSettings;
import io.hashstream.producer.Progress;
import io.hashstream.producer.ProgressListener;
import io.hashstream.producer.Timing;
import io.hashstream.producer.WatchedRoot;
import io.hashstream.producer.Watching;
import io.hashstream.runtime.RuntimeSettings;
import io.hashstream.schemas.Topics;
import java.io.Console;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code hashstream producer}: watches directory trees and publishes every change. */
@Command(
    name = "producer",
    mixinStandardHelpOptions = true,
    description = {
      "Watches directory trees and publishes one FileChangeEvent per change to the events topic,"
          + " keyed <root>/<path>. Scans every tree at start (while already watching), publishes"
          + " only what changed since the hash table's state, and runs until Ctrl-C or SIGTERM.",
    })
final class ProducerCommand implements Callable<Integer> {
  @Mixin private ClusterOptions cluster = new ClusterOptions();
  @Mixin private MetricsOptions metrics = new MetricsOptions();

  @Option(
      names = "--root",
      paramLabel = "NAME=DIR",
      required = true,
      description = "A tree to watch and the name its keys start with (repeatable).")
  private List<String> roots = new ArrayList<>();

  @Option(
      names = "--producer-id",
      paramLabel = "ID",
      defaultValue = "${env:HASHSTREAM_PRODUCER_ID}",
      description =
          "Names this producer in every event; keep it stable across restarts (env"
              + " HASHSTREAM_PRODUCER_ID; default: the host name).")
  private @Nullable String producerId;

  @Option(
      names = "--events-topic",
      paramLabel = "TOPIC",
      defaultValue = Topics.EVENTS,
      description = "Where events go; created if missing (default: ${DEFAULT-VALUE}).")
  private String eventsTopic = Topics.EVENTS;

  @Option(
      names = "--hashes-topic",
      paramLabel = "TOPIC",
      defaultValue = Topics.HASHES,
      description = "The hash table read at start as the index of what is known (default: ${DEFAULT-VALUE}).")
  private String hashesTopic = Topics.HASHES;

  @Option(
      names = "--partitions",
      paramLabel = "N",
      defaultValue = "" + ProducerSettings.DEFAULT_PARTITIONS,
      description =
          "Partitions of the events topic if it has to be created; an existing topic keeps its own"
              + " (default: ${DEFAULT-VALUE}).")
  private int partitions = ProducerSettings.DEFAULT_PARTITIONS;

  @Option(
      names = "--settle",
      paramLabel = "DURATION",
      defaultValue = "1s",
      converter = DurationConverter.class,
      description = "A file is published once it has been quiet this long (default: ${DEFAULT-VALUE}).")
  private Duration settle = Timing.DEFAULT.settle();

  @Option(
      names = "--max-delay",
      paramLabel = "DURATION",
      defaultValue = "60s",
      converter = DurationConverter.class,
      description = "A file that never settles is published after this long (default: ${DEFAULT-VALUE}).")
  private Duration maxDelay = Timing.DEFAULT.maxDelay();

  @Option(
      names = "--reconcile-interval",
      paramLabel = "DURATION",
      defaultValue = "10m",
      converter = DurationConverter.class,
      description =
          "Every tree is scanned again this often, to catch what the OS never reported (default:"
              + " ${DEFAULT-VALUE}).")
  private Duration reconcileInterval = Timing.DEFAULT.reconcileInterval();

  @Option(
      names = "--table-audit-interval",
      paramLabel = "DURATION",
      defaultValue = "6h",
      converter = DurationConverter.class,
      description =
          "The index is compared with the whole hash table this often, in the background, and what the"
              + " table has wrong or lacks is published again (default: ${DEFAULT-VALUE}).")
  private Duration tableAuditInterval = Timing.DEFAULT.tableAuditInterval();

  @Option(
      names = "--include",
      paramLabel = "[ROOT=]GLOB",
      description =
          "Publish only files matching a glob (repeatable). A glob without '/' matches names in any"
              + " directory, one with '/' the path under the root. ROOT= limits it to one root.")
  private List<String> includes = new ArrayList<>();

  @Option(
      names = "--exclude",
      paramLabel = "[ROOT=]GLOB",
      description =
          "Leave out files and directories matching a glob (repeatable), in addition to the"
              + " defaults *.tmp, .*.swp and *~. ROOT= limits it to one root.")
  private List<String> excludes = new ArrayList<>();

  @Option(
      names = "--no-default-excludes",
      description = "Do not exclude *.tmp, .*.swp and *~.")
  private boolean noDefaultExcludes;

  @Option(
      names = "--state-dir",
      paramLabel = "DIR",
      defaultValue = "${env:HASHSTREAM_PRODUCER_STATE_DIR}",
      description =
          "Where this producer keeps what its next start must know: each root's directory and file"
              + " system as seen while healthy, so a start on an empty mountpoint is not a mass delete"
              + " (env HASHSTREAM_PRODUCER_STATE_DIR; default: producer/<producer id> in the data"
              + " directory, $XDG_DATA_HOME/hashstream or ~/.local/share/hashstream).")
  private @Nullable Path stateDir;

  @Option(
      names = "--delete-threshold",
      paramLabel = "N",
      defaultValue = "" + ProducerSettings.DEFAULT_DELETE_THRESHOLD,
      description =
          "Deletes that a scan or a vanished directory finds at once for a root are held, not"
              + " published, when they are at least N and more than half of its files, until the"
              + " files reappear or POST /roots/<root>/confirm-deletes on the metrics port (from"
              + " this host) confirms them; 0 turns it off (default: ${DEFAULT-VALUE}).")
  private int deleteThreshold = ProducerSettings.DEFAULT_DELETE_THRESHOLD;

  @Option(
      names = "--watch",
      paramLabel = "[ROOT=]SOURCE",
      description =
          "How changes are seen: auto (inotify on Linux, with NFS, SMB/CIFS, FUSE and other network"
              + " mounts found by their file system type and polled, as other hosts' changes there"
              + " raise no event; the JDK's watch service elsewhere), inotify (every directory, network"
              + " ones too), poll (no watches: every directory is listed every --poll-interval) or jdk"
              + " (the JDK's watch service, for every root). ROOT=SOURCE sets it for one root, for"
              + " example --watch nas=poll or --watch nas=inotify (default: auto).")
  private List<String> watch = new ArrayList<>();

  @Option(
      names = "--poll-interval",
      paramLabel = "DURATION",
      defaultValue = "10s",
      converter = DurationConverter.class,
      description =
          "Directories that are polled (network mounts, directories over the inotify watch limit,"
              + " every one with --watch poll) are listed again this often: their changes are"
              + " published within it plus --settle (default: ${DEFAULT-VALUE}).")
  private Duration pollInterval = Watching.DEFAULT_POLL_INTERVAL;

  @Spec private @Nullable CommandSpec spec;

  @Override
  public Integer call() throws InterruptedException {
    cluster.requireMatchingListener();
    ProducerSettings settings = settings();
    // A start may wait (for the schema registry): a signal meanwhile ends it with status 0, and
    // one that comes as it finishes closes what it started.
    StartedProducer started = new StartedProducer();
    ShutdownSignals.onSignal(started::stop);
    FileProducer producer;
    try {
      producer = FileProducer.start(settings, metrics.registry(), progressListener());
    } catch (ProducerException e) {
      if (e.isConfiguration()) {
        throw new UserErrors.UsageException(String.valueOf(e.getMessage()));
      }
      return fail(e);
    }
    if (!started.set(producer)) {
      return 0;
    }
    metrics.serve(
        () -> MetricsOptions.Health.ofProducer(producer.heldRoots(), producer.heldDeletes()),
        new MetricsOptions.RootActions() {
          @Override
          public void confirmDeletes(String root) {
            producer.confirmDeletes(root);
          }

          @Override
          public void republish(String root, List<String> paths) {
            producer.republish(root, paths);
          }
        });
    PrintWriter out = commandSpec().commandLine().getOut();
    out.println(
        "watching "
            + settings.roots().stream().map(r -> r.name() + "=" + r.directory()).collect(Collectors.joining(", "))
            + "; publishing to "
            + settings.eventsTopic()
            + " at "
            + settings.kafka().bootstrapServers()
            + " (Ctrl-C stops)");
    out.flush();
    try {
      // Runs until a signal (the shutdown hook closes the producer and ends the JVM) or a failure.
      producer.awaitTermination();
    } catch (ProducerException e) {
      return fail(e);
    }
    return 0;
  }

  private ProducerSettings settings() {
    Map<String, Path> directories = RootArguments.parse(roots);
    try {
      List<WatchedRoot> watched = new ArrayList<>();
      for (Map.Entry<String, Path> root : directories.entrySet()) {
        List<String> rootExcludes = new ArrayList<>(noDefaultExcludes ? List.of() : WatchedRoot.DEFAULT_EXCLUDES);
        rootExcludes.addAll(globsFor(root.getKey(), excludes, directories));
        watched.add(
            new WatchedRoot(
                root.getKey(), root.getValue(), globsFor(root.getKey(), includes, directories), rootExcludes));
      }
      KafkaSettings kafka =
          KafkaSettings.of(cluster.bootstrapServers(), cluster.schemaRegistry())
              .withClientProperties(cluster.clientProperties());
      String id = producerId();
      return ProducerSettings.of(id, watched, kafka)
          .withStateDirectory(stateDir != null ? stateDir : stateDirectory(RuntimeSettings.defaultDataDirectory(), id))
          .withDeleteThreshold(deleteThreshold)
          .withWatching(WatchArguments.watching(watch, directories.keySet(), pollInterval))
          .withTopics(eventsTopic, hashesTopic)
          .withPartitions(partitions)
          .withTiming(
              Timing.DEFAULT
                  .withSettle(settle)
                  .withMaxDelay(maxDelay)
                  .withReconcileInterval(reconcileInterval)
                  .withTableAuditInterval(tableAuditInterval));
    } catch (IllegalArgumentException e) {
      throw new UserErrors.UsageException(String.valueOf(e.getMessage()));
    }
  }

  /** A producer's own state directory under a data directory. */
  static Path stateDirectory(Path dataDirectory, String producerId) {
    return dataDirectory.resolve("producer").resolve(producerId);
  }

  /** The globs that apply to {@code root}: those without a prefix, and those with {@code root=}. */
  static List<String> globsFor(String root, List<String> globs, Map<String, Path> roots) {
    List<String> chosen = new ArrayList<>();
    for (String glob : globs) {
      int equals = glob.indexOf('=');
      String prefix = equals > 0 ? glob.substring(0, equals) : null;
      if (prefix != null && roots.containsKey(prefix)) {
        if (prefix.equals(root)) {
          chosen.add(glob.substring(equals + 1));
        }
      } else {
        chosen.add(glob);
      }
    }
    return chosen;
  }

  private String producerId() {
    return StableIds.orHostName(producerId, "--producer-id");
  }

  /** On a terminal, a status line rewritten in place; otherwise progress goes to the log. */
  private ProgressListener progressListener() {
    // JDK 22+: a console exists even when redirected; isTerminal() tells a person is there.
    if (!Optional.ofNullable(System.console()).map(Console::isTerminal).orElse(false)) {
      return ProgressListener.log();
    }
    PrintWriter err = commandSpec().commandLine().getErr();
    ProgressListener log = ProgressListener.log();
    return (Progress progress) -> {
      String line = ProgressListener.describe(progress);
      if (progress.phase() == Progress.Phase.WATCHING) {
        err.print("\r\033[K" + line + "\n");
        err.flush();
        log.onProgress(progress);
      } else {
        err.print("\r\033[K" + line);
        err.flush();
      }
    };
  }

  private int fail(ProducerException e) {
    PrintWriter err = commandSpec().commandLine().getErr();
    err.println("hashstream: " + e.getMessage());
    err.flush();
    LoggerFactory.getLogger(ProducerCommand.class).debug("the producer failed", e);
    return UserErrors.FAILURE;
  }

  private CommandSpec commandSpec() {
    CommandSpec current = spec;
    if (current == null) {
      throw new IllegalStateException("picocli injects the spec before call()");
    }
    return current;
  }
}
