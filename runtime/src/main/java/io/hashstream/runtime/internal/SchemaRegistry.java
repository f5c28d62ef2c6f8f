package io.hashstream.runtime.internal;

import io.hashstream.runtime.RuntimeSettings;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real Apicurio Registry with its Confluent-compatible API, on loopback, storing schemas in an H2
 * file in the data directory, so schema ids survive a restart.
 */
public final class SchemaRegistry implements LocalService {
  private static final Logger LOG = LoggerFactory.getLogger(SchemaRegistry.class);
  private static final Duration STOP_GRACE = Duration.ofSeconds(15);
  private static final Duration TRAINING_STOP_GRACE = Duration.ofSeconds(90);

  private final RuntimeSettings settings;
  private final DataDirectory directory;
  private final Distribution distribution;
  private final Path agentJar;
  private final AotCache aotCache;
  private final ChildSlot running = new ChildSlot();
  private final @Nullable Security security;

  public SchemaRegistry(
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
    return "the schema registry";
  }

  private Path pidFile() {
    return directory.registry().resolve("registry.pid");
  }

  /** Refuses to start over an orphaned registry of an earlier run; see {@link DataDirectory}. */
  public void requireNoLeftover() throws IOException {
    directory.requireNoLeftover(pidFile(), "schema registry");
  }

  @Override
  public void start() throws IOException {
    Path home = directory.registry();
    Path tmp = home.resolve("tmp");
    Files.createDirectories(tmp);
    // Quarkus reads config/application.properties in its working directory: the secured
    // registry's users and key store password go there, owner-only, not on its command line.
    Path config = home.resolve("config").resolve("application.properties");
    if (security != null) {
      Files.createDirectories(config.getParent());
      OwnerOnly.write(config, security.registryProperties());
    } else {
      Files.deleteIfExists(config);
    }
    Path jar = distribution.registryJar();
    // The cache depends on the JDK, the jar and the JVM's own flags, not on the system properties
    // that name this data directory or its ports: data directories share one cache.
    List<String> jvm =
        List.of(
            "-Xms64m",
            "-Xmx512m",
            "-XX:+UseSerialGC",
            "--sun-misc-unsafe-memory-access=allow",
            "--enable-native-access=ALL-UNNAMED");
    AotCache.Plan plan = aotCache.plan("registry", JavaCommand.identity(jvm, jar.toString()));
    List<String> properties =
        List.of(
            "-Djava.io.tmpdir=" + tmp,
            "-Dquarkus.http.host=127.0.0.1",
            "-Dquarkus.management.host=127.0.0.1",
            "-Dquarkus.http.port=" + settings.registryPort(),
            "-Dquarkus.management.port=" + settings.registryManagementPort(),
            "-Dapicurio.storage.kind=sql",
            "-Dapicurio.storage.sql.kind=h2",
            "-Dapicurio.datasource.url=jdbc:h2:file:"
                + home.resolve("registry")
                // Each commit on disk before the registry answers: H2 otherwise writes up to a
                // second later, and a registry killed in that second forgot a schema whose id a
                // producer had already put in its events (LocalRuntimeLifecycleIT caught it).
                + ";DB_CLOSE_ON_EXIT=FALSE;WRITE_DELAY=0",
            "-Dapicurio.datasource.username=hashstream",
            "-Dapicurio.datasource.password=hashstream",
            "-Dquarkus.log.console.color=false");
    List<String> flags =
        Stream.of(jvm, plan.jvmFlags(), properties).flatMap(List::stream).toList();
    ChildProcess started =
        ChildProcess.start(
            "registry",
            JavaCommand.of(agentJar, directory, flags, List.of("-jar", jar.toString())),
            home,
            home.resolve("logs").resolve("console.log"));
    running.set(new RunningChild(started, aotCache, plan, pidFile()));
    Files.writeString(pidFile(), Long.toString(started.pid()), StandardCharsets.US_ASCII);
    LOG.info("schema registry starting (pid {}), logs in {}", started.pid(), started.consoleLog());
  }

  @Override
  public void awaitReady(Instant deadline) throws InterruptedException {
    ChildProcess started = running.require(description());
    URI subjects = URI.create(settings.schemaRegistryUrl() + "/subjects");
    HttpClient.Builder builder = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2));
    HttpRequest.Builder request = HttpRequest.newBuilder(subjects).timeout(Duration.ofSeconds(3)).GET();
    if (security != null) {
      builder.sslContext(security.sslContext());
      request.header(
          "Authorization",
          "Basic "
              + Base64.getEncoder()
                  .encodeToString(security.adminUserInfo().getBytes(StandardCharsets.UTF_8)));
    }
    try (HttpClient http = builder.build()) {
      HttpRequest probe = request.build();
      Deadlines.awaitServing(description(), started, deadline, () -> answers(http, probe));
    }
  }

  private static boolean answers(HttpClient http, HttpRequest request) {
    try {
      return http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
    } catch (IOException e) {
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
    return running.serving(settings.registryPort());
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
