package io.hashstream.cli;

import ch.qos.logback.classic.LoggerContext;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.ILoggerFactory;
import org.slf4j.LoggerFactory;

/**
 * Ctrl-C and SIGTERM as a normal way to stop a long-running command: the command's cleanup runs,
 * then the JVM exits with status 0 — a stop the user asked for is not a failure. An exit the program
 * chose itself keeps its own status.
 */
final class ShutdownSignals {
  private static final AtomicBoolean EXITING = new AtomicBoolean();

  private ShutdownSignals() {}

  /**
   * Runs {@code cleanup} when the JVM is asked to stop by a signal, then ends it with status 0.
   * Cleanup failures are logged; they never turn a requested stop into a hang.
   */
  static void onSignal(Runnable cleanup) {
    Runtime.getRuntime()
        .addShutdownHook(
            Thread.ofPlatform()
                .name("hashstream-shutdown")
                .unstarted(
                    () -> {
                      if (EXITING.get()) {
                        return;
                      }
                      int status = 0;
                      try {
                        cleanup.run();
                      } catch (RuntimeException e) {
                        LoggerFactory.getLogger(ShutdownSignals.class).error("stopping failed", e);
                        status = UserErrors.FAILURE;
                      }
                      flushLogs();
                      // halt, not exit: exit from a shutdown hook would wait for this very hook.
                      Runtime.getRuntime().halt(status);
                    }));
  }

  /** Exits with {@code status}, which no signal handler then overrides. */
  static void exit(int status) {
    EXITING.set(true);
    flushLogs();
    System.exit(status);
  }

  private static void flushLogs() {
    if (!Launcher.loggingConfigured()) {
      return;
    }
    ILoggerFactory factory = LoggerFactory.getILoggerFactory();
    if (factory instanceof LoggerContext logback) {
      logback.stop();
    }
  }
}
