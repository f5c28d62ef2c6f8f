package io.hashstream.bench.e2e;

import com.sun.tools.attach.VirtualMachine;

/**
 * Loads a native agent into a running JVM with its options as they are: {@code jcmd
 * JVMTI.agent_load} parses {@code key=value} in them as its own arguments, so async-profiler's
 * {@code start,event=cpu,...} does not reach the agent that way.
 */
final class AgentAttach {
  private AgentAttach() {}

  /** {@code attach PID LIBRARY OPTIONS}. */
  static void run(String[] args) throws Exception {
    String pid = E2e.arg(args, 0, "pid");
    String library = E2e.arg(args, 1, "agent library");
    String options = E2e.arg(args, 2, "agent options");
    VirtualMachine vm = VirtualMachine.attach(pid);
    try {
      vm.loadAgentPath(library, options);
    } finally {
      vm.detach();
    }
  }
}
