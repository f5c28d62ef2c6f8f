package io.hashstream.nativeio;

/**
 * Linux errno values this module's calls tell apart, and readable reasons for all the others
 * (the values are the same on every Linux architecture). A Java table rather than {@code strerror},
 * which is not thread-safe for unknown values.
 */
final class Errno {
  static final int EPERM = 1;
  static final int ENOENT = 2;
  static final int EINTR = 4;
  static final int EIO = 5;
  static final int ENXIO = 6;
  static final int EBADF = 9;
  static final int EAGAIN = 11;
  static final int ENOMEM = 12;
  static final int EACCES = 13;
  static final int EFAULT = 14;
  static final int EBUSY = 16;
  static final int EXDEV = 18;
  static final int ENODEV = 19;
  static final int ENOTDIR = 20;
  static final int EISDIR = 21;
  static final int EINVAL = 22;
  static final int ENFILE = 23;
  static final int EMFILE = 24;
  static final int ETXTBSY = 26;
  static final int EFBIG = 27;
  static final int ENOSPC = 28;
  static final int ENAMETOOLONG = 36;
  static final int ENOSYS = 38;
  static final int ELOOP = 40;
  static final int EOVERFLOW = 75;
  static final int EOPNOTSUPP = 95;
  static final int ETIMEDOUT = 110;
  static final int ESTALE = 116;
  static final int ENOMEDIUM = 123;

  private Errno() {}

  /** Whether a later try may not meet it: I/O errors, resource limits, memory, a busy file. */
  static boolean mayPass(int errno) {
    return switch (errno) {
      case EINTR, EIO, EAGAIN, ENOMEM, EBUSY, ENFILE, EMFILE, ETXTBSY, ETIMEDOUT -> true;
      default -> false;
    };
  }

  /** A reason for a log line or a result: what happened, then the errno's name. */
  static String describe(int errno) {
    return switch (errno) {
      case EPERM -> "operation not permitted (EPERM)";
      case ENOENT -> "no such file or directory (ENOENT)";
      case EINTR -> "interrupted (EINTR)";
      case EIO -> "input/output error (EIO)";
      case ENXIO -> "no such device or address (ENXIO)";
      case EBADF -> "bad file descriptor (EBADF)";
      case EAGAIN -> "resource temporarily unavailable (EAGAIN)";
      case ENOMEM -> "out of kernel memory (ENOMEM)";
      case EACCES -> "permission denied (EACCES)";
      case EFAULT -> "bad address (EFAULT)";
      case EBUSY -> "device or resource busy (EBUSY)";
      case EXDEV -> "the path leads outside the root (EXDEV)";
      case ENODEV -> "no such device (ENODEV)";
      case ENOTDIR -> "a component of the path is not a directory (ENOTDIR)";
      case EISDIR -> "is a directory (EISDIR)";
      case EINVAL -> "invalid argument (EINVAL)";
      case ENFILE -> "the system's table of open files is full (ENFILE)";
      case EMFILE ->
          "this process has too many open files (EMFILE): raise its limit (ulimit -n, LimitNOFILE)";
      case ETXTBSY -> "text file busy (ETXTBSY)";
      case EFBIG -> "file too large (EFBIG)";
      case ENOSPC -> "no space left on device (ENOSPC)";
      case ENAMETOOLONG -> "the path is too long (ENAMETOOLONG)";
      case ENOSYS -> "the kernel does not have this system call (ENOSYS)";
      case ELOOP -> "the path crosses a symbolic link (ELOOP)";
      case EOVERFLOW -> "value too large (EOVERFLOW)";
      case EOPNOTSUPP -> "operation not supported by the file system (EOPNOTSUPP)";
      case ETIMEDOUT -> "the file system timed out (ETIMEDOUT)";
      case ESTALE -> "stale network file handle (ESTALE)";
      case ENOMEDIUM -> "no medium found (ENOMEDIUM)";
      default -> "errno " + errno;
    };
  }
}
