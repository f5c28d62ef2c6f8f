package io.hashstream.cli;

import io.hashstream.runtime.LocalRuntime;
import io.hashstream.runtime.LocalRuntimeException;
import io.hashstream.runtime.PortRole;
import io.hashstream.runtime.RuntimeSettings;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.jspecify.annotations.Nullable;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code hashstream local}: runs the local broker and registry until Ctrl-C or SIGTERM. */
@Command(
    name = "local",
    mixinStandardHelpOptions = true,
    description = {
      "Runs a local Kafka broker (KRaft) and schema registry (Apicurio) on 127.0.0.1 until Ctrl-C"
          + " or SIGTERM, then stops both cleanly.",
      "Prints bootstrap.servers and schema.registry.url once both answer."
    })
final class LocalCommand implements Callable<Integer>, UsesDataDirectory {
  /** Keeps the AOT caches outside the data directory, so many data directories share them. */
  static final String AOT_DIRECTORY_PROPERTY = "hashstream.aot.dir";

  @Option(
      names = "--data-dir",
      paramLabel = "DIR",
      description =
          "Where the broker's log, the registry's schemas and the logs are kept"
              + " (default: $XDG_DATA_HOME/hashstream or ~/.local/share/hashstream).")
  private @Nullable Path dataDirectory;

  @Option(names = "--kafka-port", paramLabel = "N", description = "The broker's port (default: ${DEFAULT-VALUE}).")
  private int kafkaPort = RuntimeSettings.DEFAULT_KAFKA_PORT;

  @Option(
      names = "--controller-port",
      paramLabel = "N",
      description = "The KRaft controller's port (default: ${DEFAULT-VALUE}).")
  private int controllerPort = RuntimeSettings.DEFAULT_CONTROLLER_PORT;

  @Option(
      names = "--registry-port",
      paramLabel = "N",
      description = "The schema registry's port (default: ${DEFAULT-VALUE}).")
  private int registryPort = RuntimeSettings.DEFAULT_REGISTRY_PORT;

  @Option(
      names = "--registry-management-port",
      paramLabel = "N",
      description = "The schema registry's health port (default: ${DEFAULT-VALUE}).")
  private int registryManagementPort = RuntimeSettings.DEFAULT_REGISTRY_MANAGEMENT_PORT;

  @Spec private @Nullable CommandSpec spec;

  @Override
  public Path dataDirectory() {
    Path chosen = dataDirectory;
    return chosen != null ? chosen : RuntimeSettings.defaultDataDirectory();
  }

  @Override
  public Integer call() throws InterruptedException {
    RuntimeSettings settings;
    try {
      settings =
          RuntimeSettings.defaults(dataDirectory())
              .withPorts(kafkaPort, controllerPort, registryPort, registryManagementPort);
      String sharedAotCaches = System.getProperty(AOT_DIRECTORY_PROPERTY);
      if (sharedAotCaches != null) {
        settings = settings.withAotCacheDirectory(Path.of(sharedAotCaches));
      }
    } catch (IllegalArgumentException e) {
      throw new UserErrors.UsageException(String.valueOf(e.getMessage()));
    }
    LocalRuntime runtime;
    try {
      runtime = LocalRuntime.start(settings);
    } catch (LocalRuntimeException.PortInUse e) {
      throw new LocalRuntimeException(
          e.getMessage() + "; choose another with " + optionFor(e.role()), e);
    }
    ShutdownSignals.onSignal(runtime::close);
    PrintWriter out = out();
    out.println("bootstrap.servers=" + runtime.bootstrapServers());
    out.println("schema.registry.url=" + runtime.schemaRegistryUrl());
    out.flush();
    LoggerFactory.getLogger(LocalCommand.class)
        .info(
            "local runtime ready in {} s; data in {}; stop it with Ctrl-C",
            String.format(Locale.ROOT, "%.1f", runtime.startupTime().toMillis() / 1000.0),
            settings.dataDirectory());
    // Runs until a signal: the shutdown hook stops the runtime and ends the JVM.
    new CountDownLatch(1).await();
    return 0;
  }

  static String optionFor(PortRole role) {
    return switch (role) {
      case KAFKA -> "--kafka-port";
      case CONTROLLER -> "--controller-port";
      case REGISTRY -> "--registry-port";
      case REGISTRY_MANAGEMENT -> "--registry-management-port";
    };
  }

  private PrintWriter out() {
    CommandSpec current = spec;
    if (current == null) {
      throw new IllegalStateException("picocli injects the spec before call()");
    }
    return current.commandLine().getOut();
  }
}
