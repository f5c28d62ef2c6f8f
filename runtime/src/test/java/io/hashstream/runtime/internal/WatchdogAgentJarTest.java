package io.hashstream.runtime.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.hashstream.runtime.dist.ParentWatchdog;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.jar.JarFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WatchdogAgentJarTest {
  @TempDir Path directory;

  @Test
  void writesAnAgentJarOnceAndKeepsAnIdenticalOne() throws Exception {
    Path jar = WatchdogAgentJar.materialize(directory);
    try (JarFile file = new JarFile(jar.toFile())) {
      assertThat(file.getManifest().getMainAttributes().getValue("Premain-Class"))
          .isEqualTo(ParentWatchdog.class.getName());
      assertThat(file.getEntry(ParentWatchdog.class.getName().replace('.', '/') + ".class")).isNotNull();
    }
    byte[] written = Files.readAllBytes(jar);
    // An old time on the file shows whether the second call rewrote it.
    java.nio.file.attribute.FileTime old = java.nio.file.attribute.FileTime.fromMillis(1_000_000);
    Files.setLastModifiedTime(jar, old);
    assertThat(WatchdogAgentJar.materialize(directory)).isEqualTo(jar);
    assertThat(Files.getLastModifiedTime(jar)).isEqualTo(old);
    assertThat(Files.readAllBytes(jar)).isEqualTo(written);
  }
}
