package io.hashstream.cli;

import io.hashstream.consumer.ConsumerSettings;
import io.hashstream.runtime.LocalRuntime;
import io.hashstream.runtime.Principal;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.jspecify.annotations.Nullable;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
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
  @Mixin private RuntimeOptions runtimeOptions = new RuntimeOptions();
  @Mixin private MetricsOptions metrics = new MetricsOptions();

  @Spec private @Nullable CommandSpec spec;

  @Override
  public Path dataDirectory() {
    return runtimeOptions.dataDirectory();
  }

  @Override
  public Integer call() throws InterruptedException {
    LocalRuntime runtime = runtimeOptions.start();
    ShutdownSignals.onSignal(runtime::close);
    if (runtime.settings().secure()) {
      SecuredRuntime.grant(runtime, ConsumerSettings.DEFAULT_GROUP);
    }
    metrics.serve(MetricsOptions.Health::ready);
    PrintWriter out = out();
    out.println("bootstrap.servers=" + runtime.bootstrapServers());
    out.println("schema.registry.url=" + runtime.schemaRegistryUrl());
    if (runtime.settings().secure()) {
      for (Principal principal : Principal.values()) {
        out.println(principal.userName() + ".client.config=" + runtime.clientPropertiesFile(principal));
      }
      out.println("ca.certificate=" + runtime.caCertificate());
    }
    out.flush();
    LoggerFactory.getLogger(LocalCommand.class)
        .info(
            "local runtime ready in {} s; data in {}; stop it with Ctrl-C",
            String.format(Locale.ROOT, "%.1f", runtime.startupTime().toMillis() / 1000.0),
            runtime.settings().dataDirectory());
    // Runs until a signal (the shutdown hook stops the runtime and ends the JVM), or until a
    // service keeps dying after the runtime's restarts: then the other one is stopped too, and
    // that is said.
    CompletableFuture<String> exited = new CompletableFuture<>();
    runtime.onServiceLost(exited::complete);
    String line;
    try {
      line = exited.get();
    } catch (ExecutionException e) {
      throw new IllegalStateException("the exit listener cannot fail", e);
    }
    runtime.close();
    throw new UserErrors.FailedException(line);
  }

  private PrintWriter out() {
    CommandSpec current = spec;
    if (current == null) {
      throw new IllegalStateException("picocli injects the spec before call()");
    }
    return current.commandLine().getOut();
  }
}
