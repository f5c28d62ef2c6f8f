package io.hashstream.runtime.internal;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Command lines of the runtime's child JVMs: this JDK, the watchdog agent and an owner marker. */
final class JavaCommand {
  private JavaCommand() {}

  static Path javaExecutable() {
    return Path.of(System.getProperty("java.home"), "bin", "java");
  }

  /** {@code java} with the agent, {@code jvmFlags}, then {@code mainAndArguments}. */
  static List<String> of(
      Path agentJar, DataDirectory directory, List<String> jvmFlags, List<String> mainAndArguments) {
    List<String> command = new ArrayList<>();
    command.add(javaExecutable().toString());
    command.add("-javaagent:" + agentJar);
    command.add(directory.ownerMarker());
    command.addAll(jvmFlags);
    command.addAll(mainAndArguments);
    return command;
  }

  /** What makes an AOT cache valid for a child: the JDK and everything but the AOT flags. */
  static List<String> identity(List<String> jvmFlags, String classpathOrJar) {
    List<String> identity = new ArrayList<>();
    identity.add(System.getProperty("java.home"));
    identity.add(System.getProperty("java.vm.version"));
    identity.addAll(jvmFlags);
    identity.add(classpathOrJar);
    return identity;
  }
}
