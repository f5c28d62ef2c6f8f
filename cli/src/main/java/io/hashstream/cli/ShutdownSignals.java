package io.hashstream.cli;

import ch.qos.logback.classic.LoggerContext;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandleProxies;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.IntConsumer;
import org.jspecify.annotations.Nullable;
import org.slf4j.ILoggerFactory;
import org.slf4j.LoggerFactory;

/**
 * Ctrl-C and SIGTERM as a normal way to stop a long-running command: the command's cleanup runs,
 * then the JVM exits with status 0 — a stop the user asked for is not a failure. An exit the program
 * chose itself keeps its own status.
 *
 * <p>A second Ctrl-C (or SIGTERM) while the cleanup runs stops the JVM at once: one line on stderr,
 * {@code Runtime.halt} with 128 + the signal's number (130 for SIGINT, 143 for SIGTERM), the status
 * a shell gives a process a signal ended. The JVM's own handlers cannot do that: once the shutdown
 * hooks run, they block every later signal in {@code Shutdown.exit}. So {@link #install} replaces
 * them for INT and TERM; the first signal does what the JVM's handler does ({@code System.exit(128
 * + n)}, which runs the hook below), the second halts. HUP keeps the JVM's handler.
 *
 * <p>Nothing here logs before a command has configured logging (the log file's directory is an
 * option): loggers are looked up only once {@link #onSignal} has been called.
 */
final class ShutdownSignals {
  private static final AtomicBoolean EXITING = new AtomicBoolean();
  private static final AtomicBoolean STOPPING = new AtomicBoolean();
  private static volatile boolean cleanupRegistered;
  /** Why the handlers could not be installed, if they could not; logged by {@link #onSignal}. */
  private static volatile @Nullable String notInstalled;

  private ShutdownSignals() {}

  /**
   * Handles SIGINT and SIGTERM for the rest of the JVM's life: {@link Main} calls it first. Where
   * the JVM cannot hand them over ({@code -Xrs}, or no {@code sun.misc.Signal}), its own handlers
   * stay: a first signal still stops in order, a second is not heard.
   */
  static void install() {
    for (String name : new String[] {"INT", "TERM"}) {
      try {
        SignalHandlers.handle(name, number -> received(name, number));
      } catch (IllegalArgumentException | ReflectiveOperationException e) {
        notInstalled = "SIG" + name + ": " + e;
      }
    }
  }

  /**
   * Runs {@code cleanup} when the JVM is asked to stop by a signal, then ends it with status 0.
   * Cleanup failures are logged; they never turn a requested stop into a hang.
   */
  static void onSignal(Runnable cleanup) {
    cleanupRegistered = true;
    String failure = notInstalled;
    if (failure != null) {
      LoggerFactory.getLogger(ShutdownSignals.class)
          .debug(
              "the JVM keeps its signal handlers, a second Ctrl-C will not force the stop: {}",
              failure);
    }
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

  /**
   * On the thread {@code sun.misc.Signal} starts for each signal it delivers. The first starts the
   * orderly stop on a thread of its own (exit blocks until the hooks are done, and this thread must
   * stay free); any later one halts.
   */
  private static void received(String name, int number) {
    int status = 128 + number;
    if (STOPPING.compareAndSet(false, true)) {
      if (cleanupRegistered) {
        LoggerFactory.getLogger(ShutdownSignals.class)
            .info(
                "stopping (SIG{}); {} again stops at once, without waiting", name, againHint(name));
      }
      Thread.ofPlatform().name("hashstream-stop").start(() -> System.exit(status));
      return;
    }
    forcedStop(status);
  }

  private static String againHint(String name) {
    return name.equals("INT") ? "Ctrl-C" : "SIG" + name;
  }

  /**
   * One line straight to descriptor 2, not through {@code System.err}: a thread that holds that
   * stream's lock (a log line being written) must not delay a stop the user forced.
   */
  private static void forcedStop(int status) {
    try {
      @SuppressWarnings("resource") // closing it would close descriptor 2 for a JVM about to halt
      FileOutputStream err = new FileOutputStream(FileDescriptor.err);
      err.write("hashstream: forced stop\n".getBytes(StandardCharsets.UTF_8));
      err.flush();
    } catch (IOException e) {
      // stderr is gone: the status still says what happened.
    }
    Runtime.getRuntime().halt(status);
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

  /**
   * {@code sun.misc.Signal}, the one API for handling a signal in Java (module {@code
   * jdk.unsupported}, exported), called through method handles: javac warns of any reference to it
   * in source ("internal proprietary API and may be removed in a future release"), a warning no
   * {@code @SuppressWarnings} silences and {@code -Werror} makes an error. The calls are exactly
   * {@code Signal.handle(new Signal(name), handler)} with a {@code SignalHandler} made from a
   * method handle.
   */
  private static final class SignalHandlers {
    private SignalHandlers() {}

    /** Hands SIG{@code name} to {@code action}, with the signal's number, on every delivery. */
    static void handle(String name, IntConsumer action) throws ReflectiveOperationException {
      Class<?> signalClass = Class.forName("sun.misc.Signal");
      Class<?> handlerClass = Class.forName("sun.misc.SignalHandler");
      MethodHandles.Lookup lookup = MethodHandles.publicLookup();
      MethodHandle newSignal =
          lookup.findConstructor(signalClass, MethodType.methodType(void.class, String.class));
      MethodHandle getNumber =
          lookup.findVirtual(signalClass, "getNumber", MethodType.methodType(int.class));
      MethodType handleType = MethodType.methodType(handlerClass, signalClass, handlerClass);
      MethodHandle handle = lookup.findStatic(signalClass, "handle", handleType);
      // SignalHandler.handle(Signal): the action with the delivered signal's number.
      MethodType acceptType = MethodType.methodType(void.class, int.class);
      MethodHandle received =
          lookup.findVirtual(IntConsumer.class, "accept", acceptType).bindTo(action);
      MethodHandle onSignal = MethodHandles.filterArguments(received, 0, getNumber);
      Object handler = MethodHandleProxies.asInterfaceInstance(handlerClass, onSignal);
      try {
        Object signal = newSignal.invoke(name);
        var _ = handle.invoke(signal, handler);
      } catch (RuntimeException | Error e) {
        throw e;
      } catch (Throwable t) {
        throw new ReflectiveOperationException("sun.misc.Signal.handle(SIG" + name + ") failed", t);
      }
    }
  }
}
