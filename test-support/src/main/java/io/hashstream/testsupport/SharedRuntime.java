package io.hashstream.testsupport;

import io.hashstream.runtime.LocalRuntime;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.kafka.clients.CommonClientConfigs;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * One real local broker and registry per test JVM, started by the first test class that asks for it
 * and stopped when the JVM's tests are done. Test classes use {@code @ExtendWith(SharedRuntime.class)}
 * and take a {@link LocalRuntime} parameter.
 */
public final class SharedRuntime implements BeforeAllCallback, ParameterResolver {
  private static final ExtensionContext.Namespace NAMESPACE =
      ExtensionContext.Namespace.create(SharedRuntime.class);

  @Override
  public void beforeAll(ExtensionContext context) {
    runtime(context);
  }

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    return parameter.getParameter().getType() == LocalRuntime.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    return runtime(context);
  }

  /** The JVM's runtime, started on first use. */
  public static LocalRuntime runtime(ExtensionContext context) {
    return context
        .getRoot()
        .getStore(NAMESPACE)
        .computeIfAbsent(Holder.class, key -> Holder.start(), Holder.class)
        .runtime();
  }

  /** Client properties that reach the shared runtime's broker. */
  public static Map<String, Object> clientConfig(LocalRuntime runtime) {
    Map<String, Object> config = new HashMap<>();
    config.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, runtime.bootstrapServers());
    return config;
  }

  /** Closed by JUnit when the root context ends, that is when the JVM's tests are done. */
  private record Holder(LocalRuntime runtime, Path dataDirectory) implements AutoCloseable {
    static Holder start() {
      try {
        Path directory = Files.createTempDirectory("hashstream-test-runtime");
        LocalRuntime runtime = LocalRuntime.start(TestRuntimes.settings(directory));
        return new Holder(runtime, directory);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while starting the shared runtime", e);
      }
    }

    @Override
    public void close() throws IOException {
      runtime.close();
      deleteRecursively(dataDirectory);
    }
  }

  /** Deletes a directory tree; used for the temporary directories tests make. */
  public static void deleteRecursively(Path root) throws IOException {
    if (!Files.exists(root)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(root)) {
      for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(path);
      }
    }
  }
}
