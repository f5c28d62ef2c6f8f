package io.hashstream.runtime.internal;

import io.hashstream.runtime.LocalRuntimeException;
import io.hashstream.runtime.dist.ParentWatchdog;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * Where the broker's and the registry's own libraries are: recorded by the build of {@code
 * runtime-dist}, or given by the system properties {@code hashstream.broker.classpath} and {@code
 * hashstream.registry.home} for a distribution laid out elsewhere (a container image, say).
 */
public record Distribution(List<Path> brokerClasspath, Path registryHome) {
  public static final String BROKER_CLASSPATH_PROPERTY = "hashstream.broker.classpath";
  public static final String REGISTRY_HOME_PROPERTY = "hashstream.registry.home";
  private static final String REBUILD = "; build hashstream again with ./mvnw install -DskipTests";

  public Distribution {
    brokerClasspath = List.copyOf(brokerClasspath);
  }

  /** The distribution this build recorded, checked to exist on disk. */
  public static Distribution locate() {
    String classpath = System.getProperty(BROKER_CLASSPATH_PROPERTY, resource("broker.classpath"));
    List<Path> jars =
        Arrays.stream(classpath.split(java.io.File.pathSeparator))
            .filter(s -> !s.isBlank())
            .map(Path::of)
            .toList();
    if (jars.isEmpty()) {
      throw new LocalRuntimeException("the Kafka broker's class path is empty" + REBUILD);
    }
    for (Path jar : jars) {
      if (!Files.isRegularFile(jar)) {
        throw new LocalRuntimeException("a library of the Kafka broker is missing: " + jar + REBUILD);
      }
    }
    Path registry = Path.of(System.getProperty(REGISTRY_HOME_PROPERTY, resource("registry.home")));
    return new Distribution(jars, registry);
  }

  /** The registry's launcher jar, checked to exist. */
  public Path registryJar() {
    Path jar = registryHome.resolve("quarkus-run.jar");
    if (!Files.isRegularFile(jar)) {
      throw new LocalRuntimeException("the schema registry is missing: " + jar + REBUILD);
    }
    return jar;
  }

  public String brokerClasspathString() {
    return String.join(
        java.io.File.pathSeparator, brokerClasspath.stream().map(Path::toString).toList());
  }

  private static String resource(String name) {
    try (InputStream in = ParentWatchdog.class.getResourceAsStream(name)) {
      if (in == null) {
        throw new LocalRuntimeException("the build left no record of " + name + REBUILD);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8).strip();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
