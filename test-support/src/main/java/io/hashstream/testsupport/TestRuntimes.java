package io.hashstream.testsupport;

import io.hashstream.runtime.RuntimeSettings;
import java.nio.file.Path;
import java.time.Duration;

/** Settings for runtimes started by tests: free ports, a given data directory, shared AOT caches. */
public final class TestRuntimes {
  /** Set by the build to a directory shared by every test JVM, so only the first trains caches. */
  public static final String AOT_DIRECTORY_PROPERTY = "hashstream.test.aot.dir";

  private TestRuntimes() {}

  /** A runtime with a broker and a registry on free loopback ports in {@code dataDirectory}. */
  public static RuntimeSettings settings(Path dataDirectory) {
    int[] ports = FreePorts.allocate(4);
    RuntimeSettings settings =
        new RuntimeSettings(
            dataDirectory,
            ports[0],
            ports[1],
            ports[2],
            ports[3],
            true,
            Duration.ofMinutes(4),
            dataDirectory.resolve("aot"),
            java.util.Map.of(),
            false);
    String shared = System.getProperty(AOT_DIRECTORY_PROPERTY);
    return shared == null ? settings : settings.withAotCacheDirectory(Path.of(shared));
  }
}
