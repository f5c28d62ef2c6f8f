package io.hashstream.nativeio;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * A file system's identity from {@code statfs(2)}: its type and {@code f_fsid}, through the FFM
 * API. ext4, XFS and btrfs derive {@code f_fsid} from the file system's UUID, so it survives an
 * unmount and a mount on another loop or block device, unlike the device number; a bind mount shows
 * the file system it binds. Linux on 64-bit x86 and ARM only (where {@code struct statfs} is the
 * same); elsewhere, or without native access, {@link #fileSystem} is empty.
 */
public final class StatFs {
  /** {@code struct statfs} on 64-bit Linux: seven 8-byte words, then {@code f_fsid} (two ints). */
  private static final long SIZE = 120;
  private static final long F_TYPE = 0;
  private static final long F_FSID = 56;

  private static final @Nullable MethodHandle STATFS = link();

  private StatFs() {}

  private static @Nullable MethodHandle link() {
    String arch = System.getProperty("os.arch", "").toLowerCase(Locale.ROOT);
    boolean supported =
        System.getProperty("os.name", "").equals("Linux")
            && (arch.equals("amd64") || arch.equals("x86_64") || arch.equals("aarch64"));
    if (!supported || !StatFs.class.getModule().isNativeAccessEnabled()) {
      return null;
    }
    try {
      return Downcalls.link("statfs", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
    } catch (RuntimeException | LinkageError e) {
      // No statfs in this C library: the caller has the device number only.
      return null;
    }
  }

  /** What {@code statfs} said of a file system: its type ({@code f_type}) and {@code f_fsid}. */
  public record Identity(long type, int fsid0, int fsid1) {
    /** {@code type:fsid} in hexadecimal. */
    public String identity() {
      HexFormat hex = HexFormat.of();
      return Long.toHexString(type) + ":" + hex.toHexDigits(fsid0) + hex.toHexDigits(fsid1);
    }
  }

  /**
   * The identity of the file system {@code path} is on, as {@code type:fsid} in hexadecimal; empty
   * if this JVM cannot ask or the call fails (the caller then has the device number only).
   */
  public static Optional<String> fileSystem(Path path) {
    return of(path).map(Identity::identity);
  }

  /** What {@code statfs(2)} says of the file system {@code path} is on; empty if it cannot be asked. */
  public static Optional<Identity> of(Path path) {
    MethodHandle statfs = STATFS;
    if (statfs == null) {
      return Optional.empty();
    }
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment capture = Downcalls.newCapture(arena);
      MemorySegment name = arena.allocateFrom(path.toString());
      MemorySegment buffer = arena.allocate(SIZE, 8);
      int result;
      try {
        result = (int) statfs.invokeExact(capture, name, buffer);
      } catch (Throwable t) {
        throw Downcalls.unexpected(t);
      }
      if (result != 0) {
        return Optional.empty();
      }
      return Optional.of(
          new Identity(buffer.get(JAVA_LONG, F_TYPE), buffer.get(JAVA_INT, F_FSID), buffer.get(JAVA_INT, F_FSID + 4)));
    }
  }
}
