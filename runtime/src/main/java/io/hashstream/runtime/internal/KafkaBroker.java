package io.hashstream.runtime.internal;

import io.hashstream.runtime.LocalRuntimeException;
import io.hashstream.runtime.Principal;
import io.hashstream.runtime.RuntimeSettings;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.Uuid;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real Apache Kafka broker in KRaft mode, one node that is both broker and controller, listening on
 * 127.0.0.1 only. Its storage is formatted once, on the first start in a data directory; later starts
 * keep topics, records and offsets.
 */
public final class KafkaBroker implements LocalService {
  private static final Logger LOG = LoggerFactory.getLogger(KafkaBroker.class);
  private static final Duration FORMAT_TIMEOUT = Duration.ofMinutes(2);
  private static final Duration STOP_GRACE = Duration.ofSeconds(15);
  /** A training JVM writes its AOT cache at exit, which takes longer than a plain stop. */
  private static final Duration TRAINING_STOP_GRACE = Duration.ofSeconds(60);
  private static final List<String> JVM_FLAGS =
      List.of(
          "-Xms128m",
          "-Xmx512m",
          "-XX:+UseG1GC",
          "-XX:MaxGCPauseMillis=20",
          "-Djava.awt.headless=true",
          // Kafka 4.4 still reaches for sun.misc.Unsafe; without this JDK 25 warns on every start.
          "--sun-misc-unsafe-memory-access=allow");

  private final RuntimeSettings settings;
  private final DataDirectory directory;
  private final Distribution distribution;
  private final Path agentJar;
  private final AotCache aotCache;
  private final ChildSlot running = new ChildSlot();
  private final @Nullable Security security;

  public KafkaBroker(
      RuntimeSettings settings,
      DataDirectory directory,
      Distribution distribution,
      Path agentJar,
      AotCache aotCache,
      @Nullable Security security) {
    this.security = security;
    this.settings = settings;
    this.directory = directory;
    this.distribution = distribution;
    this.agentJar = agentJar;
    this.aotCache = aotCache;
  }

  @Override
  public String description() {
    return "the Kafka broker";
  }

  private Path pidFile() {
    return directory.kafka().resolve("broker.pid");
  }

  private Path logDirectory() {
    return directory.kafka().resolve("logs");
  }

  private Path dataDirectory() {
    return directory.kafka().resolve("data");
  }

  /** Refuses to start over an orphaned broker of an earlier run; see {@link DataDirectory}. */
  public void requireNoLeftover() throws IOException {
    directory.requireNoLeftover(pidFile(), "Kafka broker");
  }

  @Override
  public void start() throws IOException, InterruptedException {
    Files.createDirectories(dataDirectory());
    Files.createDirectories(logDirectory());
    Path serverProperties = directory.kafka().resolve("server.properties");
    // It holds the secured broker's passwords: readable by its owner alone.
    OwnerOnly.write(serverProperties, BrokerConfig.serverProperties(settings, dataDirectory(), security));
    Path log4j = directory.kafka().resolve("log4j2.properties");
    Files.writeString(log4j, BrokerConfig.log4jProperties(logDirectory()));
    String classpath = distribution.brokerClasspathString();
    List<String> flags =
        java.util.stream.Stream.concat(
                JVM_FLAGS.stream(),
                java.util.stream.Stream.of(
                    "-Dlog4j2.configurationFile=" + log4j, "-Dkafka.logs.dir=" + logDirectory()))
            .toList();
    if (BrokerConfig.storageDirectories(settings, dataDirectory()).stream()
        .anyMatch(storage -> !Files.isRegularFile(storage.resolve("meta.properties")))) {
      format(flags, classpath, serverProperties);
    }
    // The cache depends on the JDK, the class path and the JVM's own flags, not on system
    // properties naming this data directory: data directories share one cache.
    AotCache.Plan plan = aotCache.plan("kafka", JavaCommand.identity(JVM_FLAGS, classpath));
    List<String> jvmFlags =
        java.util.stream.Stream.concat(flags.stream(), plan.jvmFlags().stream()).toList();
    ChildProcess started =
        ChildProcess.start(
            "kafka",
            JavaCommand.of(agentJar, directory, jvmFlags, List.of("-cp", classpath, "kafka.Kafka", serverProperties.toString())),
            directory.kafka(),
            logDirectory().resolve("console.log"));
    running.set(new RunningChild(started, aotCache, plan, pidFile()));
    Files.writeString(pidFile(), Long.toString(started.pid()), StandardCharsets.US_ASCII);
    LOG.info("Kafka broker starting (pid {}), logs in {}", started.pid(), logDirectory());
  }

  private void format(List<String> flags, String classpath, Path serverProperties)
      throws IOException, InterruptedException {
    String clusterId = clusterId();
    LOG.info("formatting the broker's storage in {} (cluster id {})", dataDirectory(), clusterId);
    List<String> arguments =
        new ArrayList<>(
            List.of(
                "-cp",
                classpath,
                "kafka.tools.StorageTool",
                "format",
                "-t",
                clusterId,
                "-c",
                serverProperties.toString(),
                "--ignore-formatted"));
    Path argumentFile = directory.kafka().resolve("format.args");
    if (security != null) {
      // Through the launcher's @file, so that the users' passwords are not in the command line,
      // which every local user can read.
      OwnerOnly.write(argumentFile, String.join("\n", security.formatArguments()) + "\n");
      arguments.add("@" + argumentFile);
    }
    ChildProcess tool;
    try {
      tool =
          ChildProcess.start(
              "kafka-storage-format",
              JavaCommand.of(agentJar, directory, flags, arguments),
              directory.kafka(),
              logDirectory().resolve("format.log"));
    } catch (IOException e) {
      Files.deleteIfExists(argumentFile);
      throw e;
    }
    var status = tool.waitFor(FORMAT_TIMEOUT);
    Files.deleteIfExists(argumentFile);
    if (status.isEmpty()) {
      tool.stop(Duration.ZERO);
      throw new LocalRuntimeException(
          "formatting the broker's storage took longer than " + FORMAT_TIMEOUT + "; see " + tool.consoleLog());
    }
    if (status.getAsInt() != 0) {
      LOG.error("formatting the broker's storage failed:\n{}", tool.tailOfConsoleLog());
      throw new LocalRuntimeException(
          "formatting the broker's storage failed with status " + status.getAsInt() + "; see " + tool.consoleLog());
    }
  }

  /** The cluster id, generated once per data directory and kept with it. */
  private String clusterId() throws IOException {
    Path file = directory.kafka().resolve("cluster.id");
    if (Files.isRegularFile(file)) {
      return Files.readString(file, StandardCharsets.US_ASCII).strip();
    }
    String id = Uuid.randomUuid().toString();
    Files.writeString(file, id, StandardCharsets.US_ASCII);
    return id;
  }

  @Override
  public void awaitReady(Instant deadline) throws InterruptedException {
    ChildProcess started = running.require(description());
    Map<String, Object> config = new HashMap<>();
    if (security != null) {
      config.putAll(security.kafkaClientProperties(Principal.ADMIN));
    }
    config.putAll(
        Map.of(
            AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, settings.bootstrapServers(),
            AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 2_000,
            AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 3_000,
            AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 250,
            AdminClientConfig.CLIENT_ID_CONFIG, "hashstream-runtime-readiness"));
    // A client would log a warning for every refused connection: wait for the port in silence.
    Deadlines.awaitServing(
        description(), started, deadline, () -> Ports.accepts(settings.kafkaPort()));
    try (Admin admin = Admin.create(config)) {
      Deadlines.awaitServing(description(), started, deadline, () -> answers(admin));
      if (security != null) {
        security.upsertUsers(admin);
      }
    }
  }

  /** The port opens before the broker serves; only a real request tells that it does. */
  private static boolean answers(Admin admin) {
    try {
      return !admin
          .describeCluster(new DescribeClusterOptions().timeoutMs(2_000))
          .nodes()
          .get(3, TimeUnit.SECONDS)
          .isEmpty();
    } catch (ExecutionException | TimeoutException | KafkaException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  @Override
  public Optional<ChildProcess> process() {
    return running.process();
  }

  @Override
  public void requestStop() {
    running.requestStop();
  }

  @Override
  public boolean serving() {
    return running.serving(settings.kafkaPort());
  }

  @Override
  public void reapExited() throws IOException {
    running.reapExited();
  }

  @Override
  public void stop() throws IOException {
    running.stop(STOP_GRACE, TRAINING_STOP_GRACE);
  }
}
