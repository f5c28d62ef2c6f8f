package io.hashstream.nativeio;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;
import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.util.Arrays;

/**
 * How this module links the C library: every handle saves {@code errno} into a capture segment its
 * caller owns (one per thread), read with {@link #errno}. Initialised only by the classes of calls
 * ({@link LinuxCalls}, {@link InotifyCalls}), each after its platform check has seen Linux and
 * native access.
 */
final class Downcalls {
  private static final StructLayout CAPTURE = Linker.Option.captureStateLayout();
  private static final long ERRNO = CAPTURE.byteOffset(groupElement("errno"));
  private static final Linker LINKER = Linker.nativeLinker();
  private static final SymbolLookup LIBC = LINKER.defaultLookup();
  private static final Linker.Option ERRNO_OPTION = Linker.Option.captureCallState("errno");

  /** {@code int close(int fd)}: every kind of descriptor this module opens is closed through it. */
  private static final MethodHandle CLOSE = link("close", FunctionDescriptor.of(JAVA_INT, JAVA_INT));

  private Downcalls() {}

  /** {@code close}: 0, or -1 with errno saved. The descriptor is released either way on Linux. */
  static int close(MemorySegment capture, int fd) {
    try {
      return (int) CLOSE.invokeExact(capture, fd);
    } catch (Throwable t) {
      throw unexpected(t);
    }
  }

  // Linking a C function is restricted: only the signatures of the C library that LinuxCalls and
  // InotifyCalls declare are linked, each buffer they pass is allocated and sized in this module,
  // and native access is checked before either class loads.
  @SuppressWarnings("restricted")
  static MethodHandle link(String name, FunctionDescriptor descriptor, Linker.Option... options) {
    Linker.Option[] all = Arrays.copyOf(options, options.length + 1);
    all[options.length] = ERRNO_OPTION;
    return LINKER.downcallHandle(LIBC.findOrThrow(name), descriptor, all);
  }

  /** A segment for the errno each call saves; one per thread, reused for every call. */
  static MemorySegment newCapture(Arena arena) {
    return arena.allocate(CAPTURE);
  }

  /** The errno the last call through {@code capture} saved. */
  static int errno(MemorySegment capture) {
    return capture.get(JAVA_INT, ERRNO);
  }

  /** What a handle threw: its own unchecked throwable, or a checked one no C function declares. */
  static RuntimeException unexpected(Throwable t) {
    if (t instanceof RuntimeException e) {
      throw e;
    }
    if (t instanceof Error e) {
      throw e;
    }
    return new IllegalStateException("a native call declared no checked exception", t);
  }
}
