package io.hashstream.runtime.internal;

import io.hashstream.runtime.dist.ParentWatchdog;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;

/**
 * Writes the watchdog agent as a jar of its own, so every child can load it with {@code -javaagent}
 * whether hashstream runs from jars, from a build's class directories or from a distribution.
 */
public final class WatchdogAgentJar {
  private static final String CLASS_ENTRY = ParentWatchdog.class.getName().replace('.', '/') + ".class";

  private WatchdogAgentJar() {}

  /** Writes the agent jar into {@code directory} unless an identical one is there; returns it. */
  public static Path materialize(Path directory) throws IOException {
    byte[] jar = build();
    Path target = directory.resolve("hashstream-watchdog-agent.jar");
    if (Files.isRegularFile(target) && Arrays.equals(Files.readAllBytes(target), jar)) {
      return target;
    }
    Files.createDirectories(directory);
    Path temporary = Files.createTempFile(directory, "agent", ".jar.tmp");
    Files.write(temporary, jar);
    Files.move(temporary, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    return target;
  }

  private static byte[] build() throws IOException {
    Manifest manifest = new Manifest();
    manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
    manifest.getMainAttributes().putValue("Premain-Class", ParentWatchdog.class.getName());
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    // Fixed entry times keep the jar's bytes stable, so an unchanged agent is not rewritten (the
    // JarOutputStream constructor that takes a manifest would stamp it with the current time).
    try (JarOutputStream out = new JarOutputStream(bytes)) {
      JarEntry manifestEntry = new JarEntry(JarFile.MANIFEST_NAME);
      manifestEntry.setTime(0);
      out.putNextEntry(manifestEntry);
      manifest.write(out);
      out.closeEntry();
      JarEntry entry = new JarEntry(CLASS_ENTRY);
      entry.setTime(0);
      out.putNextEntry(entry);
      out.write(classBytes());
      out.closeEntry();
    }
    return bytes.toByteArray();
  }

  private static byte[] classBytes() {
    try (InputStream in = ParentWatchdog.class.getClassLoader().getResourceAsStream(CLASS_ENTRY)) {
      if (in == null) {
        throw new IllegalStateException("the watchdog agent class " + CLASS_ENTRY + " is missing");
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
