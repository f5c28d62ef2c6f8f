package io.hashstream.testsupport;

import io.hashstream.runtime.LocalRuntime;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.stream.Stream;
import org.apache.kafka.clients.CommonClientConfigs;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * One broker and registry per test JVM, started by the first test class that asks for it and stopped
 * when the JVM's tests are done: the real local runtime, or, with {@code
 * -Dhashstream.test.cluster=docker} (the {@code docker} Maven profile), containers. Test classes use
 * {@code @ExtendWith(SharedRuntime.class)} and take a {@link TestCluster} parameter, or a {@link
 * LocalRuntime} where they test the local runtime itself.
 */
public final class SharedRuntime implements BeforeAllCallback, ParameterResolver {
  /** Selects the kind of cluster: {@code local} (the default) or a {@link TestCluster.Factory}'s name. */
  public static final String CLUSTER_PROPERTY = "hashstream.test.cluster";

  private static final ExtensionContext.Namespace NAMESPACE =
      ExtensionContext.Namespace.create(SharedRuntime.class);

  @Override
  public void beforeAll(ExtensionContext context) {
    cluster(context);
  }

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    Class<?> type = parameter.getParameter().getType();
    return type == TestCluster.class || type == LocalRuntime.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    TestCluster cluster = cluster(context);
    if (parameter.getParameter().getType() == TestCluster.class) {
      return cluster;
    }
    if (cluster instanceof LocalHolder local) {
      return local.runtime();
    }
    throw new ParameterResolutionException(
        "this test needs the local runtime, not the " + System.getProperty(CLUSTER_PROPERTY) + " cluster");
  }

  /** The JVM's cluster, started on first use. */
  public static TestCluster cluster(ExtensionContext context) {
    return context
        .getRoot()
        .getStore(NAMESPACE)
        .computeIfAbsent(TestCluster.Started.class, key -> startCluster(), TestCluster.Started.class);
  }

  private static TestCluster.Started startCluster() {
    String kind = System.getProperty(CLUSTER_PROPERTY, "local");
    if (kind.equals("local")) {
      return LocalHolder.start();
    }
    for (TestCluster.Factory factory : ServiceLoader.load(TestCluster.Factory.class)) {
      if (factory.name().equals(kind)) {
        try {
          return factory.start();
        } catch (Exception e) {
          throw new IllegalStateException("the " + kind + " test cluster did not start", e);
        }
      }
    }
    throw new IllegalStateException(
        "no test cluster named '" + kind + "' (" + CLUSTER_PROPERTY + "); is its profile active?");
  }

  /** Client properties that reach {@code runtime}'s broker. */
  public static Map<String, Object> clientConfig(LocalRuntime runtime) {
    Map<String, Object> config = new HashMap<>();
    config.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, runtime.bootstrapServers());
    return config;
  }

  /** The local runtime in a temporary data directory; closed by JUnit when the JVM's tests end. */
  private record LocalHolder(LocalRuntime runtime, Path dataDirectory) implements TestCluster.Started {
    static LocalHolder start() {
      try {
        Path directory = Files.createTempDirectory("hashstream-test-runtime");
        LocalRuntime runtime = LocalRuntime.start(TestRuntimes.settings(directory));
        return new LocalHolder(runtime, directory);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while starting the shared runtime", e);
      }
    }

    @Override
    public String bootstrapServers() {
      return runtime.bootstrapServers();
    }

    @Override
    public String schemaRegistryUrl() {
      return runtime.schemaRegistryUrl();
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
