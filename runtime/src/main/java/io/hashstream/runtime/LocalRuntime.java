package io.hashstream.runtime;

import io.hashstream.runtime.internal.AotCache;
import io.hashstream.runtime.internal.ChildProcess;
import io.hashstream.runtime.internal.DataDirectory;
import io.hashstream.runtime.internal.Distribution;
import io.hashstream.runtime.internal.KafkaBroker;
import io.hashstream.runtime.internal.LocalService;
import io.hashstream.runtime.internal.Ports;
import io.hashstream.runtime.internal.SchemaRegistry;
import io.hashstream.runtime.internal.Security;
import io.hashstream.runtime.internal.Supervisor;
import io.hashstream.runtime.internal.WatchdogAgentJar;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running local runtime: a Kafka broker and, unless left out, a schema registry, as child
 * processes that halt when this JVM dies. {@link #start} returns once both answer real requests;
 * {@link #close} stops the registry, then the broker, and releases the data directory.
 *
 * <p>Lifecycle: {@code start} (both services started concurrently, then awaited) → running →
 * {@code close}. A failed start stops whatever it had started and releases the data directory.
 * While running, a service whose process exits on its own is started again by a {@link
 * Supervisor}, a bounded number of times; {@link #onServiceLost} tells when it gives up.
 */
public final class LocalRuntime implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(LocalRuntime.class);
  private static final Duration STOP_SERVING_TIMEOUT = Duration.ofSeconds(15);
  private static final Duration POLL = Duration.ofMillis(100);

  private final RuntimeSettings settings;
  private final DataDirectory directory;
  /** In start order; stopped in reverse. */
  private final List<LocalService> services;
  private final Duration startupTime;
  private final Supervisor supervisor;
  private final @Nullable Security security;
  private boolean closed; // guarded by this

  private LocalRuntime(
      RuntimeSettings settings,
      DataDirectory directory,
      List<LocalService> services,
      Duration startupTime,
      @Nullable Security security) {
    this.security = security;
    this.settings = settings;
    this.directory = directory;
    this.services = List.copyOf(services);
    this.startupTime = startupTime;
    this.supervisor = new Supervisor(settings.startTimeout(), Clock.systemUTC());
    this.services.forEach(supervisor::watch);
  }

  /**
   * Starts the runtime and waits until every service answers.
   *
   * @throws LocalRuntimeException with a one-line message if it cannot start: a port in use, a data
   *     directory held by another runtime or by a leftover process, a service that exits or does not
   *     answer within the settings' start timeout
   */
  public static LocalRuntime start(RuntimeSettings settings) throws InterruptedException {
    Instant begin = Instant.now();
    DataDirectory directory = lock(settings);
    List<LocalService> started = new ArrayList<>();
    try {
      Distribution distribution = Distribution.locate();
      var agentJar = WatchdogAgentJar.materialize(directory.lib());
      AotCache aot = new AotCache(settings.aotCacheDirectory());
      Security security = secured(settings, directory);
      KafkaBroker broker = new KafkaBroker(settings, directory, distribution, agentJar, aot, security);
      broker.requireNoLeftover();
      Ports.requireFree(settings.kafkaPort(), PortRole.KAFKA);
      Ports.requireFree(settings.controllerPort(), PortRole.CONTROLLER);
      List<LocalService> services = new ArrayList<>();
      services.add(broker);
      if (settings.withRegistry()) {
        SchemaRegistry registry = new SchemaRegistry(settings, directory, distribution, agentJar, aot, security);
        registry.requireNoLeftover();
        Ports.requireFree(settings.registryPort(), PortRole.REGISTRY);
        Ports.requireFree(settings.registryManagementPort(), PortRole.REGISTRY_MANAGEMENT);
        services.add(registry);
      }
      for (LocalService service : services) {
        started.add(service);
        service.start();
      }
      Instant deadline = begin.plus(settings.startTimeout());
      for (LocalService service : services) {
        service.awaitReady(deadline);
      }
      Duration took = Duration.between(begin, Instant.now());
      LOG.info("local runtime ready in {} ms", took.toMillis());
      return new LocalRuntime(settings, directory, started, took, security);
    } catch (IOException e) {
      RuntimeException failure =
          new LocalRuntimeException("the local runtime could not start: " + e.getMessage(), e);
      stopAll(started, directory, failure);
      throw failure;
    } catch (RuntimeException | InterruptedException e) {
      stopAll(started, directory, e);
      throw e;
    }
  }

  /**
   * The security of a {@code --secure} runtime, made or loaded; none for a plain one. A data
   * directory stays what its first start made it: a plain cluster is not secured in place (its
   * clients and topics were never authorized), nor a secured one opened to everyone.
   */
  private static @Nullable Security secured(RuntimeSettings settings, DataDirectory directory)
      throws IOException, InterruptedException {
    boolean madeSecured = Files.isDirectory(Security.directoryOf(directory));
    boolean madePlain = !madeSecured && Files.exists(directory.kafka().resolve("cluster.id"));
    if (settings.secure() && madePlain) {
      throw new LocalRuntimeException(
          "the data directory "
              + directory.root()
              + " holds a local cluster made without --secure; choose another with --data-dir for a"
              + " secured one");
    }
    if (!settings.secure() && madeSecured) {
      throw new LocalRuntimeException(
          "the data directory "
              + directory.root()
              + " holds a secured local cluster; start it with --secure, or choose another with --data-dir");
    }
    return settings.secure() ? Security.prepare(settings, directory) : null;
  }

  private static DataDirectory lock(RuntimeSettings settings) {
    try {
      return DataDirectory.lock(settings.dataDirectory());
    } catch (IOException e) {
      throw new LocalRuntimeException(
          "the data directory " + settings.dataDirectory() + " cannot be used: " + e.getMessage(), e);
    }
  }

  public RuntimeSettings settings() {
    return settings;
  }

  /** {@code bootstrap.servers} for Kafka clients of this runtime. */
  public String bootstrapServers() {
    return settings.bootstrapServers();
  }

  /** The Confluent-compatible registry URL, as Confluent clients take it. */
  public String schemaRegistryUrl() {
    return settings.schemaRegistryUrl();
  }

  /**
   * The client properties file of {@code principal}, for {@code --client-config}: Kafka's TLS and
   * SCRAM settings and the registry's URL, credentials and trust store.
   *
   * @throws IllegalStateException if this runtime is not secured
   */
  public Path clientPropertiesFile(Principal principal) {
    return requireSecurity().clientPropertiesFile(principal);
  }

  /** The same settings as {@link #clientPropertiesFile}, for clients made in this JVM. */
  public Map<String, String> clientProperties(Principal principal) {
    return requireSecurity().clientProperties(principal);
  }

  /** The Kafka settings alone of {@link #clientProperties}, for Admin clients. */
  public Map<String, String> kafkaClientProperties(Principal principal) {
    return requireSecurity().kafkaClientProperties(principal);
  }

  /** The PEM file of the secured runtime's CA, for tools that take no key store. */
  public Path caCertificate() {
    return requireSecurity().certificates().caPem();
  }

  /** When the secured runtime's server certificate ends. */
  public Instant certificateNotAfter() {
    return requireSecurity().certificates().serverNotAfter();
  }

  private Security requireSecurity() {
    Security secured = security;
    if (secured == null) {
      throw new IllegalStateException("this local runtime is not secured");
    }
    return secured;
  }

  /** How long {@link #start} took until every service answered. */
  public Duration startupTime() {
    return startupTime;
  }

  /**
   * Calls {@code listener} once, with one line for the user, if a service cannot be kept running:
   * its process exited again after the supervisor's restarts. A stop by {@link #close} is not
   * reported.
   */
  public void onServiceLost(Consumer<String> listener) {
    var _ = supervisor.lost().thenAccept(listener);
  }

  /** The pid of the broker's current process (it changes when the supervisor restarts it). */
  public OptionalLong brokerPid() {
    return pidOf(KafkaBroker.class);
  }

  /** The pid of the registry's current process, if the runtime has one. */
  public OptionalLong registryPid() {
    return pidOf(SchemaRegistry.class);
  }

  private OptionalLong pidOf(Class<? extends LocalService> kind) {
    return services.stream()
        .filter(kind::isInstance)
        .flatMap(service -> service.process().stream())
        .mapToLong(ChildProcess::pid)
        .findFirst();
  }

  /** Stops the registry, then the broker, and releases the data directory; idempotent. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    supervisor.close();
    LOG.info("stopping the local runtime");
    RuntimeException failure = new LocalRuntimeException("the local runtime did not stop cleanly");
    stopAll(services, directory, failure);
    if (failure.getSuppressed().length > 0) {
      throw failure;
    }
  }

  /**
   * Stops {@code services} in reverse order, then unlocks; every failure is kept in {@code into}.
   * Each service is asked to stop once the one started after it stopped serving; the waits for
   * their exits (which write AOT caches after a training run) then overlap.
   */
  private static void stopAll(List<LocalService> services, DataDirectory directory, Throwable into) {
    for (LocalService service : services.reversed()) {
      service.requestStop();
      Instant deadline = Instant.now().plus(STOP_SERVING_TIMEOUT);
      while (service.serving() && Instant.now().isBefore(deadline)) {
        LockSupport.parkNanos(POLL.toNanos());
      }
    }
    for (LocalService service : services.reversed()) {
      try {
        service.stop();
      } catch (IOException | RuntimeException e) {
        into.addSuppressed(e);
      }
    }
    try {
      directory.close();
    } catch (IOException e) {
      into.addSuppressed(new UncheckedIOException(e));
    }
  }
}
