package io.hashstream.bench;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;

/**
 * <b>A prototype, not the consumer's code</b>: the system calls of the consumer's native opener
 * ({@code LinuxFileOpener}, package-private in the consumer, so it is re-created here with the same
 * calls and flags), and two changes to it that the profile of small files suggested, to measure
 * them before proposing them:
 *
 * <ul>
 *   <li>{@link Variant#AS_CONSUMER}: {@code openat2(root, path, O_PATH | O_NOFOLLOW | O_CLOEXEC,
 *       RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS)}, {@code statx}, {@code open("/proc/self/fd/N",
 *       O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC)}, {@code close} of the {@code O_PATH}
 *       descriptor, {@code pread} 256 KiB until it returns 0, {@code statx}, {@code close}: eight
 *       system calls per small file;
 *   <li>{@link Variant#PROC_FD_DIRECTORY}: the reopen as {@code openat(procfd, "N", ...)} from a
 *       descriptor of {@code /proc/self/fd} opened once, so the kernel walks one name instead of
 *       {@code /proc}, the {@code self} link and {@code fd} for each file;
 *   <li>{@link Variant#STOP_AT_SIZE}: that, and the read stops at the size {@code statx} reported
 *       instead of reading again to see the end (the {@code statx} after the read still catches a
 *       file that grew, as it does today): seven system calls.
 * </ul>
 *
 * <p>Every call's errno is captured, as the consumer does. One thread at a time.
 */
final class OpenerPrototype implements AutoCloseable {
  enum Variant {
    AS_CONSUMER,
    PROC_FD_DIRECTORY,
    STOP_AT_SIZE
  }

  private static final int O_RDONLY = 0;
  private static final int O_NOCTTY = 0400;
  private static final int O_NONBLOCK = 04000;
  private static final int O_DIRECTORY = 0200000;
  private static final int O_NOFOLLOW = 0400000;
  private static final int O_CLOEXEC = 02000000;
  private static final int O_PATH = 010000000;
  private static final long RESOLVE_NO_SYMLINKS = 0x04;
  private static final long RESOLVE_BENEATH = 0x08;
  private static final long SYS_OPENAT2 = 437;
  private static final int AT_EMPTY_PATH = 0x1000;
  private static final int STATX_BASIC_STATS = 0x07ff;
  private static final int READ_FLAGS = O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC;
  private static final int READ_SIZE = 256 * 1024;
  private static final int CHUNK = 64 * 1024;
  private static final byte[] PROC_FD = "/proc/self/fd/".getBytes(StandardCharsets.US_ASCII);

  // struct statx offsets (the same on every architecture)
  private static final long STX_MODE = 28;
  private static final long STX_INO = 32;
  private static final long STX_SIZE = 40;
  private static final long STX_MTIME_SEC = 112;
  private static final long STX_MTIME_NSEC = 120;
  private static final long STX_DEV_MAJOR = 136;
  private static final long STX_DEV_MINOR = 140;
  private static final int S_IFMT = 0170000;
  private static final int S_IFREG = 0100000;

  private static final Linker LINKER = Linker.nativeLinker();
  private static final Linker.Option ERRNO = Linker.Option.captureCallState("errno");
  private static final MethodHandle SYSCALL =
      handle(
          "syscall",
          FunctionDescriptor.of(JAVA_LONG, JAVA_LONG, JAVA_LONG, ADDRESS, ADDRESS, JAVA_LONG),
          Linker.Option.firstVariadicArg(1),
          ERRNO);
  private static final MethodHandle OPEN =
      handle(
          "open",
          FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT),
          Linker.Option.firstVariadicArg(2),
          ERRNO);
  private static final MethodHandle OPENAT =
      handle(
          "openat",
          FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT),
          Linker.Option.firstVariadicArg(3),
          ERRNO);
  private static final MethodHandle STATX =
      handle(
          "statx",
          FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT, ADDRESS),
          ERRNO);
  private static final MethodHandle PREAD =
      handle(
          "pread",
          FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_LONG),
          ERRNO);
  private static final MethodHandle CLOSE =
      handle("close", FunctionDescriptor.of(JAVA_INT, JAVA_INT), ERRNO);

  /** What statx said of a file: the consumer compares these before and after the read. */
  private record State(long size, Instant modified, long device, long inode) {}

  private final Variant variant;
  private final MessageDigest digest = Corpus.sha256();
  private final Arena arena = Arena.ofShared();
  private final MemorySegment capture = arena.allocate(Linker.Option.captureStateLayout());
  private final MemorySegment how = arena.allocate(24);
  private final MemorySegment statx = arena.allocate(256);
  private final MemorySegment path = arena.allocate(4096);
  private final MemorySegment emptyPath = arena.allocate(1);
  private final MemorySegment procPath = arena.allocate(64);
  private final MemorySegment readBuffer = arena.allocate(READ_SIZE, 4096);
  private final byte[] chunk = new byte[CHUNK];
  private final int rootFd;
  private final int procFdDirectory;

  OpenerPrototype(Variant variant, String root) {
    this.variant = variant;
    how.set(JAVA_LONG, 0, O_PATH | O_NOFOLLOW | O_CLOEXEC);
    how.set(JAVA_LONG, 8, 0L);
    how.set(JAVA_LONG, 16, RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS);
    MemorySegment.copy(PROC_FD, 0, procPath, JAVA_BYTE, 0, PROC_FD.length);
    rootFd =
        check(
            open(arena.allocateFrom(root), O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC),
            "open the root");
    procFdDirectory =
        variant == Variant.AS_CONSUMER
            ? -1
            : check(
                open(arena.allocateFrom("/proc/self/fd"), O_PATH | O_DIRECTORY | O_CLOEXEC),
                "open /proc/self/fd");
  }

  /** SHA-256 of {@code relativePath} under the root, with the variant's system calls. */
  byte[] hash(String relativePath) throws IOException {
    byte[] bytes = relativePath.getBytes(StandardCharsets.UTF_8);
    MemorySegment.copy(bytes, 0, path, JAVA_BYTE, 0, bytes.length);
    path.set(JAVA_BYTE, bytes.length, (byte) 0);
    int pathFd = check((int) call(SYSCALL, SYS_OPENAT2, rootFd, path, how), "openat2");
    State before;
    int readFd;
    try {
      before = state(pathFd);
      byte[] digits = Integer.toString(pathFd).getBytes(StandardCharsets.US_ASCII);
      if (variant == Variant.AS_CONSUMER) {
        MemorySegment.copy(digits, 0, procPath, JAVA_BYTE, PROC_FD.length, digits.length);
        procPath.set(JAVA_BYTE, PROC_FD.length + digits.length, (byte) 0);
        readFd = check(open(procPath, READ_FLAGS), "reopen");
      } else {
        MemorySegment.copy(digits, 0, procPath, JAVA_BYTE, 0, digits.length);
        procPath.set(JAVA_BYTE, digits.length, (byte) 0);
        readFd = check(openat(procFdDirectory, procPath, READ_FLAGS), "reopen");
      }
    } finally {
      close(pathFd);
    }
    try {
      digest.reset();
      long position = 0;
      while (variant != Variant.STOP_AT_SIZE || position < before.size()) {
        long read = pread(readFd, position);
        if (read == 0) {
          break;
        }
        for (long offset = 0; offset < read; offset += CHUNK) {
          int length = (int) Math.min(CHUNK, read - offset);
          MemorySegment.copy(readBuffer, JAVA_BYTE, offset, chunk, 0, length);
          digest.update(chunk, 0, length);
        }
        position += read;
      }
      byte[] result = digest.digest();
      if (!state(readFd).equals(before)) {
        throw new IOException(relativePath + " changed while it was read");
      }
      return result;
    } finally {
      close(readFd);
    }
  }

  private State state(int fd) throws IOException {
    int result = (int) call(STATX, fd, emptyPath, AT_EMPTY_PATH, STATX_BASIC_STATS, statx);
    check(result, "statx");
    if ((Short.toUnsignedInt(statx.get(JAVA_SHORT, STX_MODE)) & S_IFMT) != S_IFREG) {
      throw new IOException("not a regular file");
    }
    return new State(
        statx.get(JAVA_LONG, STX_SIZE),
        Instant.ofEpochSecond(
            statx.get(JAVA_LONG, STX_MTIME_SEC),
            Integer.toUnsignedLong(statx.get(JAVA_INT, STX_MTIME_NSEC))),
        ((long) statx.get(JAVA_INT, STX_DEV_MAJOR) << 32) | statx.get(JAVA_INT, STX_DEV_MINOR),
        statx.get(JAVA_LONG, STX_INO));
  }

  private long pread(int fd, long position) throws IOException {
    long read;
    try {
      read = (long) PREAD.invokeExact(capture, fd, readBuffer, (long) READ_SIZE, position);
    } catch (Throwable t) {
      throw new IllegalStateException(t);
    }
    if (read < 0) {
      throw new IOException("pread failed, errno " + capture.get(JAVA_INT, 0));
    }
    return read;
  }

  private int open(MemorySegment file, int flags) {
    try {
      return (int) OPEN.invokeExact(capture, file, flags, 0);
    } catch (Throwable t) {
      throw new IllegalStateException(t);
    }
  }

  private int openat(int directory, MemorySegment name, int flags) {
    try {
      return (int) OPENAT.invokeExact(capture, directory, name, flags, 0);
    } catch (Throwable t) {
      throw new IllegalStateException(t);
    }
  }

  private void close(int fd) {
    try {
      var _ = (int) CLOSE.invokeExact(capture, fd);
    } catch (Throwable t) {
      throw new IllegalStateException(t);
    }
  }

  private long call(
      MethodHandle handle, long number, int dirfd, MemorySegment file, MemorySegment openHow) {
    try {
      return (long) handle.invokeExact(capture, number, (long) dirfd, file, openHow, 24L);
    } catch (Throwable t) {
      throw new IllegalStateException(t);
    }
  }

  private long call(
      MethodHandle handle, int fd, MemorySegment file, int flags, int mask, MemorySegment buffer) {
    try {
      return (int) handle.invokeExact(capture, fd, file, flags, mask, buffer);
    } catch (Throwable t) {
      throw new IllegalStateException(t);
    }
  }

  private int check(int result, String what) {
    if (result < 0) {
      throw new IllegalStateException(what + " failed, errno " + capture.get(JAVA_INT, 0));
    }
    return result;
  }

  @Override
  public void close() {
    close(rootFd);
    if (procFdDirectory >= 0) {
      close(procFdDirectory);
    }
    arena.close();
  }

  @SuppressWarnings("restricted") // a prototype of the consumer's own downcalls, same signatures
  private static MethodHandle handle(
      String name, FunctionDescriptor descriptor, Linker.Option... options) {
    return LINKER.downcallHandle(LINKER.defaultLookup().findOrThrow(name), descriptor, options);
  }
}
