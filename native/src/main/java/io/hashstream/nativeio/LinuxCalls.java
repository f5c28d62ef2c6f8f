package io.hashstream.nativeio;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;
import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.invoke.MethodHandle;
import org.jspecify.annotations.Nullable;

/**
 * Every foreign function, struct layout and constant of the native opener, for Linux on x86-64.
 *
 * <p>The class is initialised only after {@link LinuxSupport} has checked the OS, the architecture
 * and native access, so its handles can be {@code static final} (constants the JIT inlines). Each
 * call takes a capture segment ({@link #newCaptureSegment}) owned by the calling thread, and
 * returns the raw result; a negative result means failure, and {@link #errno} reads the reason.
 */
final class LinuxCalls {
  // <asm-generic/fcntl.h> as x86-64 defines it (aarch64 differs for O_DIRECTORY and O_NOFOLLOW).
  static final int O_RDONLY = 0;
  static final int O_NOCTTY = 0400;
  static final int O_NONBLOCK = 04000;
  static final int O_DIRECTORY = 0200000;
  static final int O_NOFOLLOW = 0400000;
  static final int O_CLOEXEC = 02000000;
  static final int O_PATH = 010000000;

  static final int AT_FDCWD = -100;
  static final int AT_EMPTY_PATH = 0x1000;

  // <linux/openat2.h>
  static final long RESOLVE_NO_SYMLINKS = 0x04;
  static final long RESOLVE_BENEATH = 0x08;
  /** The same on every architecture: openat2 came after the system call tables were unified. */
  static final long SYS_OPENAT2 = 437;
  /** getdents64 on x86-64 (61 on aarch64). */
  private static final long SYS_GETDENTS64 = 217;
  static final int AT_SYMLINK_NOFOLLOW = 0x100;

  // <linux/stat.h>
  static final int STATX_TYPE = 0x0001;
  static final int STATX_MTIME = 0x0040;
  static final int STATX_CTIME = 0x0080;
  static final int STATX_INO = 0x0100;
  static final int STATX_SIZE = 0x0200;
  static final int STATX_BASIC_STATS = 0x07ff;
  private static final int NEEDED = STATX_TYPE | STATX_MTIME | STATX_INO | STATX_SIZE;

  private static final int S_IFMT = 0170000;
  private static final int S_IFSOCK = 0140000;
  private static final int S_IFLNK = 0120000;
  private static final int S_IFREG = 0100000;
  private static final int S_IFBLK = 0060000;
  private static final int S_IFDIR = 0040000;
  private static final int S_IFCHR = 0020000;
  private static final int S_IFIFO = 0010000;

  /** {@code struct open_how}: the argument of openat2, extensible by its size. */
  static final StructLayout OPEN_HOW =
      MemoryLayout.structLayout(
          JAVA_LONG.withName("flags"), JAVA_LONG.withName("mode"), JAVA_LONG.withName("resolve"));

  private static final StructLayout STATX_TIMESTAMP =
      MemoryLayout.structLayout(
          JAVA_LONG.withName("tv_sec"), JAVA_INT.withName("tv_nsec"), JAVA_INT.withName("__reserved"));

  /** {@code struct statx}: the same layout on every architecture, 256 bytes. */
  static final StructLayout STATX =
      MemoryLayout.structLayout(
          JAVA_INT.withName("stx_mask"),
          JAVA_INT.withName("stx_blksize"),
          JAVA_LONG.withName("stx_attributes"),
          JAVA_INT.withName("stx_nlink"),
          JAVA_INT.withName("stx_uid"),
          JAVA_INT.withName("stx_gid"),
          JAVA_SHORT.withName("stx_mode"),
          MemoryLayout.paddingLayout(2),
          JAVA_LONG.withName("stx_ino"),
          JAVA_LONG.withName("stx_size"),
          JAVA_LONG.withName("stx_blocks"),
          JAVA_LONG.withName("stx_attributes_mask"),
          STATX_TIMESTAMP.withName("stx_atime"),
          STATX_TIMESTAMP.withName("stx_btime"),
          STATX_TIMESTAMP.withName("stx_ctime"),
          STATX_TIMESTAMP.withName("stx_mtime"),
          JAVA_INT.withName("stx_rdev_major"),
          JAVA_INT.withName("stx_rdev_minor"),
          JAVA_INT.withName("stx_dev_major"),
          JAVA_INT.withName("stx_dev_minor"),
          MemoryLayout.paddingLayout(112));

  private static final long FLAGS = OPEN_HOW.byteOffset(groupElement("flags"));
  private static final long MODE = OPEN_HOW.byteOffset(groupElement("mode"));
  private static final long RESOLVE = OPEN_HOW.byteOffset(groupElement("resolve"));
  private static final long STX_MASK = STATX.byteOffset(groupElement("stx_mask"));
  private static final long STX_MODE = STATX.byteOffset(groupElement("stx_mode"));
  private static final long STX_INO = STATX.byteOffset(groupElement("stx_ino"));
  private static final long STX_SIZE = STATX.byteOffset(groupElement("stx_size"));
  private static final long STX_MTIME_SEC =
      STATX.byteOffset(groupElement("stx_mtime"), groupElement("tv_sec"));
  private static final long STX_MTIME_NSEC =
      STATX.byteOffset(groupElement("stx_mtime"), groupElement("tv_nsec"));
  private static final long STX_CTIME_SEC =
      STATX.byteOffset(groupElement("stx_ctime"), groupElement("tv_sec"));
  private static final long STX_CTIME_NSEC =
      STATX.byteOffset(groupElement("stx_ctime"), groupElement("tv_nsec"));
  private static final long STX_DEV_MAJOR = STATX.byteOffset(groupElement("stx_dev_major"));
  private static final long STX_DEV_MINOR = STATX.byteOffset(groupElement("stx_dev_minor"));

  /**
   * {@code long syscall(long number, ...)}: glibc 2.36 has no openat2 wrapper. Every variadic
   * argument is passed as a 64-bit value, as the kernel reads its registers.
   */
  private static final MethodHandle SYSCALL =
      handle(
          "syscall",
          FunctionDescriptor.of(JAVA_LONG, JAVA_LONG, JAVA_LONG, ADDRESS, ADDRESS, JAVA_LONG),
          Linker.Option.firstVariadicArg(1));

  /**
   * {@code long syscall(long number, ...)} for getdents64 (fd, buffer, size): glibc's wrapper came
   * in 2.30, the system call in Linux 2.4.
   */
  private static final MethodHandle SYSCALL_GETDENTS =
      handle(
          "syscall",
          FunctionDescriptor.of(JAVA_LONG, JAVA_LONG, JAVA_LONG, ADDRESS, JAVA_LONG),
          Linker.Option.firstVariadicArg(1));

  /** {@code int open(const char *path, int flags, ...)}, the mode passed as its variadic int. */
  private static final MethodHandle OPEN =
      handle(
          "open",
          FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT),
          Linker.Option.firstVariadicArg(2));

  /**
   * {@code int openat(int dirfd, const char *path, int flags, ...)}, the mode passed as its
   * variadic int.
   */
  private static final MethodHandle OPENAT =
      handle(
          "openat",
          FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT),
          Linker.Option.firstVariadicArg(3));

  /** {@code int statx(int dirfd, const char *path, int flags, unsigned mask, struct statx *)}. */
  private static final MethodHandle STATX_CALL =
      handle(
          "statx", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT, ADDRESS));

  /** {@code ssize_t pread(int fd, void *buf, size_t count, off_t offset)}, off_t 64-bit here. */
  private static final MethodHandle PREAD =
      handle("pread", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_LONG));


  private LinuxCalls() {}

  private static MethodHandle handle(String name, FunctionDescriptor descriptor, Linker.Option... options) {
    return Downcalls.link(name, descriptor, options);
  }

  /** A segment for the errno each call saves; one per thread, reused for every call. */
  static MemorySegment newCaptureSegment(Arena arena) {
    return Downcalls.newCapture(arena);
  }

  /** The errno the last call through {@code capture} saved. */
  static int errno(MemorySegment capture) {
    return Downcalls.errno(capture);
  }

  /** Fills {@code how} for {@link #openat2}. */
  static void openHow(MemorySegment how, long flags, long resolve) {
    how.set(JAVA_LONG, FLAGS, flags);
    how.set(JAVA_LONG, MODE, 0L);
    how.set(JAVA_LONG, RESOLVE, resolve);
  }

  /** openat2 through {@code syscall(number, ...)}: a descriptor, or -1 with errno saved. */
  static int openat2(
      MemorySegment capture, long number, int dirfd, MemorySegment path, MemorySegment how) {
    try {
      long result =
          (long) SYSCALL.invokeExact(capture, number, (long) dirfd, path, how, OPEN_HOW.byteSize());
      return Math.toIntExact(result);
    } catch (Throwable t) {
      throw Downcalls.unexpected(t);
    }
  }

  /** {@code open(path, flags)}: a descriptor, or -1 with errno saved. */
  static int open(MemorySegment capture, MemorySegment path, int flags) {
    try {
      return (int) OPEN.invokeExact(capture, path, flags, 0);
    } catch (Throwable t) {
      throw Downcalls.unexpected(t);
    }
  }

  /** {@code openat(dirfd, path, flags)}: a descriptor, or -1 with errno saved. */
  static int openat(MemorySegment capture, int dirfd, MemorySegment path, int flags) {
    try {
      return (int) OPENAT.invokeExact(capture, dirfd, path, flags, 0);
    } catch (Throwable t) {
      throw Downcalls.unexpected(t);
    }
  }

  /** {@code statx(fd, "", AT_EMPTY_PATH, STATX_BASIC_STATS, buffer)}: 0, or -1 with errno saved. */
  static int fstatx(MemorySegment capture, int fd, MemorySegment emptyPath, MemorySegment buffer) {
    try {
      return (int)
          STATX_CALL.invokeExact(capture, fd, emptyPath, AT_EMPTY_PATH, STATX_BASIC_STATS, buffer);
    } catch (Throwable t) {
      throw Downcalls.unexpected(t);
    }
  }

  /**
   * {@code statx(dirfd, name, AT_SYMLINK_NOFOLLOW, STATX_BASIC_STATS, buffer)}: {@code lstat} of a
   * name relative to a directory's descriptor; 0, or -1 with errno saved.
   */
  static int statxAt(MemorySegment capture, int dirfd, MemorySegment name, MemorySegment buffer) {
    try {
      return (int) STATX_CALL.invokeExact(capture, dirfd, name, AT_SYMLINK_NOFOLLOW, STATX_BASIC_STATS, buffer);
    } catch (Throwable t) {
      throw Downcalls.unexpected(t);
    }
  }

  /**
   * {@code statx(AT_FDCWD, path, 0, STATX_BASIC_STATS, buffer)}: {@code stat} of a path, symbolic
   * links followed; 0, or -1 with errno saved.
   */
  static int statxFollowing(MemorySegment capture, MemorySegment path, MemorySegment buffer) {
    try {
      return (int) STATX_CALL.invokeExact(capture, AT_FDCWD, path, 0, STATX_BASIC_STATS, buffer);
    } catch (Throwable t) {
      throw Downcalls.unexpected(t);
    }
  }

  /**
   * {@code getdents64(fd, buffer, size)}: the bytes of {@code struct linux_dirent64} records
   * written, 0 at the end of the directory, or -1 with errno saved.
   */
  static long getdents64(MemorySegment capture, int fd, MemorySegment buffer) {
    try {
      return (long) SYSCALL_GETDENTS.invokeExact(capture, SYS_GETDENTS64, (long) fd, buffer, buffer.byteSize());
    } catch (Throwable t) {
      throw Downcalls.unexpected(t);
    }
  }

  /** {@code pread}: the bytes read, 0 at the end, or -1 with errno saved. */
  static long pread(MemorySegment capture, int fd, MemorySegment buffer, long count, long offset) {
    try {
      return (long) PREAD.invokeExact(capture, fd, buffer, count, offset);
    } catch (Throwable t) {
      throw Downcalls.unexpected(t);
    }
  }

  /** The state a successful statx wrote to {@code buffer}, as {@code lstat} would report it. */
  static FileState fileState(MemorySegment buffer) throws IOException {
    int mask = buffer.get(JAVA_INT, STX_MASK);
    if ((mask & NEEDED) != NEEDED) {
      throw new IOException(
          "the file system did not report the type, size, modification time and inode (statx mask 0x"
              + Integer.toHexString(mask)
              + ")");
    }
    int mode = Short.toUnsignedInt(buffer.get(JAVA_SHORT, STX_MODE));
    // The same table as FileStats, which reads the same bits through the JDK.
    FileKind kind =
        switch (mode & S_IFMT) {
          case S_IFREG -> FileKind.REGULAR;
          case S_IFDIR -> FileKind.DIRECTORY;
          case S_IFLNK -> FileKind.SYMLINK;
          case S_IFIFO -> FileKind.FIFO;
          case S_IFCHR, S_IFBLK -> FileKind.DEVICE;
          case S_IFSOCK -> FileKind.SOCKET;
          default -> FileKind.OTHER;
        };
    StatTime modified =
        new StatTime(buffer.get(JAVA_LONG, STX_MTIME_SEC), buffer.get(JAVA_INT, STX_MTIME_NSEC));
    StatTime changed =
        (mask & STATX_CTIME) == 0
            ? null
            : new StatTime(buffer.get(JAVA_LONG, STX_CTIME_SEC), buffer.get(JAVA_INT, STX_CTIME_NSEC));
    long device =
        makedev(
            Integer.toUnsignedLong(buffer.get(JAVA_INT, STX_DEV_MAJOR)),
            Integer.toUnsignedLong(buffer.get(JAVA_INT, STX_DEV_MINOR)));
    return new FileState(
        kind,
        buffer.get(JAVA_LONG, STX_SIZE),
        modified,
        changed,
        new FileState.Identity(device, buffer.get(JAVA_LONG, STX_INO)));
  }

  /** glibc's {@code makedev}: the {@code st_dev} that stat, and so the JDK's unix:dev, reports. */
  static long makedev(long major, long minor) {
    return ((major & 0xfffff000L) << 32)
        | ((major & 0x00000fffL) << 8)
        | ((minor & 0xffffff00L) << 12)
        | (minor & 0x000000ffL);
  }

  /**
   * Whether openat2 (as system call {@code number}) and reopening through {@code /proc/self/fd}
   * (as the opener does it: {@code openat} of the descriptor's number in that directory) work
   * here: {@code null} if they do, else why not.
   */
  static @Nullable String probe(long number) {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment capture = newCaptureSegment(arena);
      MemorySegment how = arena.allocate(OPEN_HOW);
      openHow(how, O_PATH | O_DIRECTORY | O_CLOEXEC, RESOLVE_NO_SYMLINKS);
      int fd = openat2(capture, number, AT_FDCWD, arena.allocateFrom("/"), how);
      if (fd < 0) {
        int errno = errno(capture);
        return switch (errno) {
          case Errno.ENOSYS ->
              "the kernel has no openat2 system call (Linux 5.6 and newer have it)";
          case Errno.EPERM ->
              "openat2 is refused (EPERM), most likely by the seccomp filter of a container runtime;"
                  + " allow openat2 in the container's seccomp profile";
          default -> "openat2 failed: " + Errno.describe(errno);
        };
      }
      int procFd = -1;
      try {
        procFd = openProcFd(capture);
        MemorySegment name = arena.allocateFrom(Integer.toString(fd));
        int reopened =
            procFd < 0 ? -1 : openat(capture, procFd, name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (reopened < 0) {
          return "reopening a descriptor through /proc/self/fd failed ("
              + Errno.describe(errno(capture))
              + "): mount /proc";
        }
        Downcalls.close(capture, reopened);
        return null;
      } finally {
        if (procFd >= 0) {
          Downcalls.close(capture, procFd);
        }
        Downcalls.close(capture, fd);
      }
    }
  }

  /**
   * {@code /proc/self/fd}, opened {@code O_PATH | O_DIRECTORY | O_CLOEXEC}: a descriptor, or -1
   * with errno saved. {@code self} is resolved once, to this process (the thread group, whose
   * threads share one descriptor table), so {@code openat(procFd, "N")} reaches descriptor N from
   * any thread, walking one name instead of {@code /proc}, {@code self}, {@code fd} and N.
   */
  static int openProcFd(MemorySegment capture) {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment path = arena.allocateFrom("/proc/self/fd");
      int fd;
      do {
        fd = open(capture, path, O_PATH | O_DIRECTORY | O_CLOEXEC);
      } while (fd < 0 && errno(capture) == Errno.EINTR);
      return fd;
    }
  }

  /** The root's directory, opened {@code O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC}. */
  static int openDirectory(byte[] absolutePath, String shown) throws IOException {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment capture = newCaptureSegment(arena);
      MemorySegment path = arena.allocate(absolutePath.length + 1L); // zeroed: NUL-terminated
      MemorySegment.copy(absolutePath, 0, path, JAVA_BYTE, 0, absolutePath.length);
      int fd;
      do {
        fd = open(capture, path, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
      } while (fd < 0 && errno(capture) == Errno.EINTR);
      if (fd < 0) {
        throw new IOException(
            "the root directory " + shown + " cannot be opened: " + Errno.describe(errno(capture)));
      }
      return fd;
    }
  }

}
