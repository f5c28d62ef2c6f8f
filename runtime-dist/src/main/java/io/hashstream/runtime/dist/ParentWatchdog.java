package io.hashstream.runtime.dist;

import java.lang.instrument.Instrumentation;
import java.util.Optional;

/**
 * A Java agent that halts its JVM as soon as the process that started it is gone.
 *
 * <p>The local runtime starts the broker and the registry as child processes. When the launcher dies
 * without running its shutdown hooks (SIGKILL, an OOM kill), nothing would stop its children, and an
 * orphaned broker would keep the ports and the data directory. The JDK reports the death of any
 * process, parent included, through {@link ProcessHandle#onExit()}, so the child needs no polling and
 * no cooperation from the parent.
 */
public final class ParentWatchdog {
  /** Exit status of a child halted because its parent died; distinct from a crash of its own. */
  public static final int PARENT_GONE_STATUS = 143;

  private static final long GRACE_PERIOD_MILLIS = 10_000;

  private ParentWatchdog() {}

  /**
   * Agent entry point, called by the JVM before the child's own main method.
   *
   * @param args the agent's arguments, unused
   * @param instrumentation unused: the agent only watches
   */
  public static void premain(String args, Instrumentation instrumentation) {
    Optional<ProcessHandle> parent = ProcessHandle.current().parent();
    if (parent.isEmpty() || !parent.get().isAlive()) {
      // The parent died before we could watch it: nobody will ever stop this process.
      haltBecauseParentIsGone();
    }
    // Nobody waits on this future: the callback ends the JVM, so there is no later result to see.
    var _ = parent.orElseThrow().onExit().thenRun(ParentWatchdog::haltBecauseParentIsGone);
  }

  private static void haltBecauseParentIsGone() {
    System.err.println("hashstream: the process that started this one has exited; stopping.");
    Thread forcedHalt =
        Thread.ofPlatform()
            .daemon()
            .name("hashstream-watchdog-halt")
            .unstarted(ParentWatchdog::haltAfterGracePeriod);
    forcedHalt.start();
    // exit, so the broker's and the registry's own shutdown hooks close their logs and stores
    // cleanly; the halt above bounds how long they may take.
    System.exit(PARENT_GONE_STATUS);
  }

  private static void haltAfterGracePeriod() {
    try {
      Thread.sleep(GRACE_PERIOD_MILLIS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    Runtime.getRuntime().halt(PARENT_GONE_STATUS);
  }
}
