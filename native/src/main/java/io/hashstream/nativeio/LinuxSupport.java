package io.hashstream.nativeio;

import java.util.Locale;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Whether the native opener can run in this JVM, decided once: Linux on x86-64, native access
 * enabled for hashstream's code, the native calls linked, {@code openat2} answering, and
 * {@code /proc/self/fd} able to reopen a descriptor. {@link LinuxCalls} is not initialised unless
 * the first three hold.
 */
final class LinuxSupport {
  private static final @Nullable String UNAVAILABLE = check();

  private LinuxSupport() {}

  static boolean available() {
    return UNAVAILABLE == null;
  }

  /** Why the native opener cannot run here; empty if it can. */
  static Optional<String> unavailable() {
    return Optional.ofNullable(UNAVAILABLE);
  }

  private static @Nullable String check() {
    String os = System.getProperty("os.name", "");
    if (!os.equals("Linux")) {
      return "the operating system is " + os + ", not Linux";
    }
    String arch = System.getProperty("os.arch", "").toLowerCase(Locale.ROOT);
    if (!arch.equals("amd64") && !arch.equals("x86_64")) {
      return "the native opener knows the open(2) flag values of x86-64 only, not of " + arch;
    }
    Module module = LinuxSupport.class.getModule();
    if (!module.isNativeAccessEnabled()) {
      return "native access is not enabled for "
          + (module.isNamed() ? "the module " + module.getName() : "the class path")
          + ": start the JVM with --enable-native-access="
          + (module.isNamed() ? module.getName() : "ALL-UNNAMED")
          + " (bin/hashstream does)";
    }
    try {
      return LinuxCalls.probe(LinuxCalls.SYS_OPENAT2);
    } catch (RuntimeException | LinkageError e) {
      // ExceptionInInitializerError (a symbol missing from the C library) is a LinkageError.
      Throwable cause = e.getCause() == null ? e : e.getCause();
      return "the native calls could not be linked: " + cause;
    }
  }
}
