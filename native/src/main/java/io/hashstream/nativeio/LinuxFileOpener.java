package io.hashstream.nativeio;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.charset.CharsetEncoder;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The race-free opener, on Linux through the FFM API.
 *
 * <ol>
 *   <li>{@code openat2(rootfd, path, {O_PATH | O_NOFOLLOW | O_CLOEXEC, RESOLVE_BENEATH |
 *       RESOLVE_NO_SYMLINKS})}: resolution stays beneath the root ({@code ..} and absolute links
 *       fail with {@code EXDEV}) and crosses no symbolic link ({@code ELOOP}); a final symbolic
 *       link is not followed but opened as itself. An {@code O_PATH} open does not open the file
 *       for I/O: a FIFO or a device is never opened, so nothing blocks and no driver runs.
 *   <li>{@code statx(fd, "", AT_EMPTY_PATH)}: the state of exactly that inode; anything but a
 *       regular file is {@link OpenOutcome.NotRegular}.
 *   <li>A regular file is reopened for reading through {@code /proc/self/fd/N} ({@code O_RDONLY |
 *       O_NONBLOCK | O_NOCTTY | O_CLOEXEC}): the same inode, whatever happened to the path since.
 *       The opener holds a descriptor of {@code /proc/self/fd} (opened at its first reopen) and
 *       reopens by {@code openat(procFd, "N")}: the same magic link as {@code
 *       open("/proc/self/fd/N")}, but the kernel walks one name instead of four, which took a
 *       quarter of the CPU time of a 4 KiB file (BENCHMARKS.md).
 *   <li>{@link OpenFile#update} reads it by {@code pread} into this opener's native buffer, copied
 *       in 64 KiB pieces into a heap array for {@link MessageDigest} (see {@code
 *       native/README.md} for the measurements behind this).
 * </ol>
 *
 * <p>If {@code openat2} answers {@code ENOSYS} (the start-up probe passed, so a seccomp policy must
 * have changed), this opener logs it once and uses the checked Java path from then on.
 */
final class LinuxFileOpener implements FileOpener {
  private static final Logger LOG = LoggerFactory.getLogger(LinuxFileOpener.class);
  /** Bytes per pread: see native/README.md. */
  static final int READ_SIZE = 256 * 1024;
  /** Bytes per MessageDigest.update: the size the JDK's SHA-256 intrinsic liked best here. */
  static final int CHUNK = 64 * 1024;
  /** PATH_MAX, with the terminating NUL. */
  private static final int PATH_MAX = 4096;
  /** Retries of an openat2 that a concurrent rename made unsure ({@code EAGAIN}). */
  private static final int EAGAIN_RETRIES = 4;
  private static final int PATH_FLAGS =
      LinuxCalls.O_PATH | LinuxCalls.O_NOFOLLOW | LinuxCalls.O_CLOEXEC;
  private static final long RESOLVE = LinuxCalls.RESOLVE_BENEATH | LinuxCalls.RESOLVE_NO_SYMLINKS;
  private static final int READ_FLAGS =
      LinuxCalls.O_RDONLY | LinuxCalls.O_NONBLOCK | LinuxCalls.O_NOCTTY | LinuxCalls.O_CLOEXEC;

  private final long openat2Number;
  /**
   * Shared, not confined: the opener is built on one thread, used on the hashing thread and may be
   * closed on a third. Use stays single-threaded ({@link OwnerGuard}); a segment passed to a
   * running call keeps the arena open, so closing it then fails instead of freeing live memory.
   */
  private final Arena arena = Arena.ofShared();
  private final MemorySegment capture;
  private final MemorySegment how;
  private final MemorySegment statx;
  private final MemorySegment path;
  private final MemorySegment emptyPath;
  /** The O_PATH descriptor's number in decimal, NUL-terminated: its name in /proc/self/fd. */
  private final MemorySegment fdName;
  private final MemorySegment readBuffer;
  private final byte[] chunk = new byte[CHUNK];
  private final CharsetEncoder encoder = RelativePaths.newEncoder();
  private final OwnerGuard guard = new OwnerGuard();
  private final List<NativeOpenFile> openFiles = new ArrayList<>(1);
  private @Nullable JavaFileOpener fallback;
  /** {@code /proc/self/fd}, opened at the first reopen (so construction cannot fail), else -1. */
  private int procFd = -1;
  private volatile boolean closed;

  /** @param openat2Number the system call to call as openat2: a test passes one that is missing */
  LinuxFileOpener(long openat2Number) {
    this.openat2Number = openat2Number;
    capture = LinuxCalls.newCaptureSegment(arena);
    how = arena.allocate(LinuxCalls.OPEN_HOW);
    LinuxCalls.openHow(how, PATH_FLAGS, RESOLVE);
    statx = arena.allocate(LinuxCalls.STATX);
    path = arena.allocate(PATH_MAX);
    emptyPath = arena.allocate(1);
    fdName = arena.allocate(16);
    readBuffer = arena.allocate(READ_SIZE, 4096);
    // Loaded now: at the limit of open files (EMFILE), when it is needed, no class can be loaded.
    var _ = Errno.mayPass(Errno.EMFILE);
  }

  @Override
  public OpenOutcome open(RootDirectory root, String relativePath) {
    guard.enter();
    try {
      if (closed) {
        throw new IllegalStateException("the file opener is closed");
      }
      if (fallback != null || !root.hasDescriptor()) {
        return javaFallback().open(root, relativePath);
      }
      String refusal = RelativePaths.refusal(relativePath);
      if (refusal != null) {
        return new OpenOutcome.Refused(refusal);
      }
      return openBeneath(root, relativePath);
    } finally {
      guard.exit();
    }
  }

  /**
   * Opens {@code relativePath} without the checks of {@link RelativePaths#refusal}, so a test can
   * show what the kernel refuses by itself ({@code ..}, absolute paths).
   */
  OpenOutcome openBeneath(RootDirectory root, String relativePath) {
    byte[] bytes = RelativePaths.encode(encoder, relativePath);
    if (bytes == null) {
      return new OpenOutcome.Refused(RelativePaths.unencodable());
    }
    if (bytes.length >= PATH_MAX) {
      return new OpenOutcome.Unreadable(
          "the path is too long: " + bytes.length + " bytes, Linux allows 4095 (ENAMETOOLONG)", null);
    }
    MemorySegment.copy(bytes, 0, path, JAVA_BYTE, 0, bytes.length);
    path.set(JAVA_BYTE, bytes.length, (byte) 0);
    int rootFd = root.acquire();
    try {
      return openBeneath(rootFd, root, relativePath);
    } finally {
      root.release();
    }
  }

  private OpenOutcome openBeneath(int rootFd, RootDirectory root, String relativePath) {
    int fd;
    int eagain = 0;
    while (true) {
      fd = LinuxCalls.openat2(capture, openat2Number, rootFd, path, how);
      if (fd >= 0) {
        break;
      }
      int errno = LinuxCalls.errno(capture);
      switch (errno) {
        case Errno.EINTR -> {
          continue;
        }
        case Errno.EAGAIN -> {
          if (eagain++ < EAGAIN_RETRIES) {
            continue;
          }
          return new OpenOutcome.Unreadable(
              "the kernel could not resolve the path safely while directories were being renamed"
                  + " (EAGAIN)",
              null,
              true);
        }
        case Errno.ENOSYS -> {
          LOG.warn(
              "openat2 answers ENOSYS although it answered at start-up (a seccomp policy?): this"
                  + " hashing thread opens files through the checked Java path from now on");
          fallback = new JavaFileOpener();
          return javaFallback().open(root, relativePath);
        }
        case Errno.ENOENT, Errno.ENOTDIR -> {
          return new OpenOutcome.Gone();
        }
        case Errno.ELOOP -> {
          // The final name is opened O_NOFOLLOW as a path, so ELOOP means a directory on the way.
          return new OpenOutcome.NotInTree(
              "a directory on the way to the file is a symbolic link; none is followed"
                  + " (RESOLVE_NO_SYMLINKS)");
        }
        case Errno.EXDEV -> {
          return new OpenOutcome.Refused("the path leads outside the root (RESOLVE_BENEATH)");
        }
        case Errno.EACCES -> {
          return new OpenOutcome.Unreadable(
              "permission denied: a directory on the way cannot be searched (EACCES)", null);
        }
        default -> {
          return new OpenOutcome.Unreadable(Errno.describe(errno), null, Errno.mayPass(errno));
        }
      }
    }
    try {
      FileState state;
      try {
        state = fstatx(fd);
      } catch (IOException e) {
        return new OpenOutcome.Unreadable(String.valueOf(e.getMessage()), null);
      }
      if (state.kind() != FileKind.REGULAR) {
        return new OpenOutcome.NotRegular(state);
      }
      if (procFd < 0) {
        procFd = LinuxCalls.openProcFd(capture);
        if (procFd < 0) {
          // EMFILE, say, or /proc unmounted since the start-up probe: the next file tries again.
          return new OpenOutcome.Unreadable(
              "/proc/self/fd, through which the file is reopened for reading, cannot be opened: "
                  + Errno.describe(LinuxCalls.errno(capture)),
              state,
              true);
        }
      }
      int readFd = reopen(fd);
      if (readFd < 0) {
        int errno = LinuxCalls.errno(capture);
        return new OpenOutcome.Unreadable(
            switch (errno) {
              case Errno.EACCES, Errno.EPERM -> "permission denied";
              case Errno.EAGAIN -> "another process holds a lease on the file (EAGAIN)";
              default -> Errno.describe(errno);
            },
            state,
            Errno.mayPass(errno));
      }
      NativeOpenFile file = new NativeOpenFile(readFd, state);
      openFiles.add(file);
      return new OpenOutcome.Opened(file);
    } finally {
      var _ = Downcalls.close(capture, fd);
    }
  }

  /**
   * A descriptor for reading the same inode as the {@code O_PATH} descriptor {@code fd}, or -1 with
   * errno saved: {@code openat(procFd, "N", READ_FLAGS)}, N the number {@code fd}. That name is the
   * magic link to the open file, not a path looked up again, so what is opened is the inode {@code
   * fd} holds, checked regular, whatever happened to its path since. No {@code O_NOFOLLOW} here: it
   * would refuse the magic link itself ({@code ELOOP}); the open of the path had it.
   */
  private int reopen(int fd) {
    writeDecimal(fdName, fd);
    int readFd;
    do {
      readFd = LinuxCalls.openat(capture, procFd, fdName, READ_FLAGS);
    } while (readFd < 0 && LinuxCalls.errno(capture) == Errno.EINTR);
    return readFd;
  }

  /**
   * {@code value} (not negative) in decimal and a NUL at the start of {@code to}, without
   * allocating: at most 11 bytes.
   */
  static void writeDecimal(MemorySegment to, int value) {
    int digits = 1;
    for (int rest = value / 10; rest > 0; rest /= 10) {
      digits++;
    }
    int rest = value;
    for (int i = digits - 1; i >= 0; i--) {
      to.set(JAVA_BYTE, i, (byte) ('0' + rest % 10));
      rest /= 10;
    }
    to.set(JAVA_BYTE, digits, (byte) 0);
  }

  private FileState fstatx(int fd) throws IOException {
    int result;
    do {
      result = LinuxCalls.fstatx(capture, fd, emptyPath, statx);
    } while (result < 0 && LinuxCalls.errno(capture) == Errno.EINTR);
    if (result < 0) {
      throw new IOException("its state cannot be read: " + Errno.describe(LinuxCalls.errno(capture)));
    }
    return LinuxCalls.fileState(statx);
  }

  private JavaFileOpener javaFallback() {
    JavaFileOpener java = fallback;
    if (java == null) {
      java = new JavaFileOpener();
      fallback = java;
    }
    return java;
  }

  @Override
  public String description() {
    return fallback != null
        ? "the checked Java path (openat2 answered ENOSYS)"
        : "openat2 beneath the root's descriptor, no symbolic links followed, reopened through a"
            + " held /proc/self/fd, read by pread (Linux)";
  }

  /**
   * Releases the native memory, closing any file still open. Call it once the hashing thread no
   * longer uses the opener: while a read is running on another thread it fails instead.
   */
  @Override
  public void close() {
    guard.enter();
    try {
      if (closed) {
        return;
      }
      closed = true;
      if (!openFiles.isEmpty()) {
        LOG.warn("{} file(s) were still open when their opener was closed", openFiles.size());
        for (NativeOpenFile file : List.copyOf(openFiles)) {
          file.closeDescriptor();
        }
      }
      if (procFd >= 0) {
        var _ = Downcalls.close(capture, procFd);
        procFd = -1;
      }
      JavaFileOpener java = fallback;
      if (java != null) {
        java.close();
      }
      arena.close();
    } finally {
      guard.exit();
    }
  }

  /** A regular file open for reading, read by pread through the opener's buffers. */
  final class NativeOpenFile implements OpenFile {
    private final int fd;
    private final FileState state;
    private boolean open = true;

    private NativeOpenFile(int fd, FileState state) {
      this.fd = fd;
      this.state = state;
    }

    @Override
    public FileState state() {
      return state;
    }

    @Override
    public long update(MessageDigest digest) throws IOException {
      guard.enter();
      try {
        requireOpen();
        long position = 0;
        while (true) {
          long read = LinuxCalls.pread(capture, fd, readBuffer, READ_SIZE, position);
          if (read < 0) {
            int errno = LinuxCalls.errno(capture);
            if (errno == Errno.EINTR) {
              continue;
            }
            throw new IOException("reading failed at byte " + position + ": " + Errno.describe(errno));
          }
          if (read == 0) {
            return position;
          }
          for (long offset = 0; offset < read; offset += CHUNK) {
            int length = (int) Math.min(CHUNK, read - offset);
            MemorySegment.copy(readBuffer, JAVA_BYTE, offset, chunk, 0, length);
            digest.update(chunk, 0, length);
          }
          position += read;
        }
      } finally {
        guard.exit();
      }
    }

    @Override
    public Optional<FileState> recheck() throws IOException {
      guard.enter();
      try {
        requireOpen();
        return Optional.of(fstatx(fd));
      } finally {
        guard.exit();
      }
    }

    private void requireOpen() {
      if (!open || closed) {
        throw new IllegalStateException("the file is closed");
      }
    }

    @Override
    public void close() {
      guard.enter();
      try {
        closeDescriptor();
      } finally {
        guard.exit();
      }
    }

    /** Under the guard. */
    private void closeDescriptor() {
      if (open) {
        open = false;
        openFiles.remove(this);
        // close(2) on Linux releases the descriptor even when it reports an error.
        var _ = Downcalls.close(capture, fd);
      }
    }
  }
}
