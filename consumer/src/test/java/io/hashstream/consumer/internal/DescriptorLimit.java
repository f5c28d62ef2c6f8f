package io.hashstream.consumer.internal;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

/**
 * This JVM at its limit of open files (EMFILE) until {@link #free}: its soft {@code RLIMIT_NOFILE}
 * set below the descriptors it holds already, so every new open fails however many a garbage
 * collection closes meanwhile. Through {@code setrlimit} in this process: at the limit no process
 * could be started to put it back. {@link #close} puts it back.
 */
final class DescriptorLimit implements AutoCloseable {
  /** {@code RLIMIT_NOFILE} on Linux. */
  private static final int RLIMIT_NOFILE = 7;
  /** Below what any JVM holds (its standard streams, jars, the class path). */
  private static final long BELOW_OPEN = 3;

  private final long originalSoft;
  private final long hard;
  private boolean freed;

  private DescriptorLimit(long originalSoft, long hard) {
    this.originalSoft = originalSoft;
    this.hard = hard;
  }

  static DescriptorLimit exhausted() {
    assumeTrue(System.getProperty("os.name", "").equals("Linux"), "skipped: needs Linux's setrlimit");
    try {
      long[] now = get();
      DescriptorLimit limit = new DescriptorLimit(now[0], now[1]);
      set(BELOW_OPEN, now[1]);
      return limit;
    } catch (RuntimeException | Error e) {
      throw e;
    } catch (Throwable e) {
      throw new IllegalStateException("invokeExact declares Throwable; these calls throw none", e);
    }
  }

  /** Puts the limit back; safe from any thread, and more than once. */
  synchronized void free() {
    if (freed) {
      return;
    }
    freed = true;
    try {
      set(originalSoft, hard);
    } catch (RuntimeException | Error e) {
      throw e;
    } catch (Throwable e) {
      throw new IllegalStateException("could not put RLIMIT_NOFILE back", e);
    }
  }

  @Override
  public void close() {
    free();
  }

  private static long[] get() throws Throwable {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment limit = arena.allocate(16, 8);
      if ((int) Calls.GETRLIMIT.invokeExact(RLIMIT_NOFILE, limit) != 0) {
        throw new IllegalStateException("getrlimit(RLIMIT_NOFILE) failed");
      }
      return new long[] {limit.get(JAVA_LONG, 0), limit.get(JAVA_LONG, 8)};
    }
  }

  private static void set(long soft, long hard) throws Throwable {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment limit = arena.allocate(16, 8);
      limit.set(JAVA_LONG, 0, soft);
      limit.set(JAVA_LONG, 8, hard);
      if ((int) Calls.SETRLIMIT.invokeExact(RLIMIT_NOFILE, limit) != 0) {
        throw new IllegalStateException("setrlimit(RLIMIT_NOFILE, " + soft + ") failed");
      }
    }
  }

  private static final class Calls {
    private static final MethodHandle GETRLIMIT = handle("getrlimit");
    private static final MethodHandle SETRLIMIT = handle("setrlimit");

    // Linking a C function is restricted: two libc calls with a 16-byte struct this class sizes;
    // the test JVMs run with --enable-native-access.
    @SuppressWarnings("restricted")
    private static MethodHandle handle(String name) {
      Linker linker = Linker.nativeLinker();
      return linker.downcallHandle(
          linker.defaultLookup().findOrThrow(name), FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS));
    }
  }
}
