package io.hashstream.nativeio;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.lang.foreign.Arena;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * One inotify instance through the FFM API: its descriptor, an eventfd that wakes its reader, the
 * read buffer and every native call on them. The descriptor and the buffer belong to the one
 * thread that calls {@link #await} and {@link #read}; {@link #addWatch} and {@link #removeWatch}
 * are called by that thread too. Only {@link #wakeUp} is for other threads.
 *
 * <p>Linux on x86-64 and aarch64 (where these calls and flag values are the same), with native
 * access enabled; {@link #open} says why not otherwise.
 */
public final class Inotify implements AutoCloseable {
  // <sys/inotify.h>
  public static final int IN_MODIFY = 0x2;
  public static final int IN_ATTRIB = 0x4;
  public static final int IN_CLOSE_WRITE = 0x8;
  public static final int IN_MOVED_FROM = 0x40;
  public static final int IN_MOVED_TO = 0x80;
  public static final int IN_CREATE = 0x100;
  public static final int IN_DELETE = 0x200;
  public static final int IN_DELETE_SELF = 0x400;
  public static final int IN_MOVE_SELF = 0x800;
  public static final int IN_UNMOUNT = 0x2000;
  public static final int IN_Q_OVERFLOW = 0x4000;
  public static final int IN_IGNORED = 0x8000;
  static final int IN_ONLYDIR = 0x01000000;
  static final int IN_DONT_FOLLOW = 0x02000000;
  static final int IN_EXCL_UNLINK = 0x04000000;
  public static final int IN_ISDIR = 0x40000000;

  /**
   * What the producer watches a directory for, and nothing more: no access or open events, so the
   * consumer's reads of the same tree cause none. Unmount, overflow and ignored come regardless.
   */
  static final int DIRECTORY_MASK =
      IN_CLOSE_WRITE
          | IN_MODIFY
          | IN_ATTRIB
          | IN_CREATE
          | IN_DELETE
          | IN_MOVED_FROM
          | IN_MOVED_TO
          | IN_DELETE_SELF
          | IN_MOVE_SELF
          | IN_ONLYDIR
          | IN_DONT_FOLLOW
          | IN_EXCL_UNLINK;

  // The same values on x86-64 and aarch64 (O_NONBLOCK and O_CLOEXEC).
  private static final int NONBLOCK = 04000;
  private static final int CLOEXEC = 02000000;
  private static final short POLLIN = 1;


  /** Room for hundreds of events; one needs at most 16 bytes and a name of 255 and its NUL. */
  private static final int BUFFER_BYTES = 64 * 1024;

  private static final StructLayout POLLFD =
      MemoryLayout.structLayout(
          JAVA_INT.withName("fd"), JAVA_SHORT.withName("events"), JAVA_SHORT.withName("revents"));
  private static final long POLLFD_FD = POLLFD.byteOffset(groupElement("fd"));
  private static final long POLLFD_EVENTS = POLLFD.byteOffset(groupElement("events"));
  private static final long POLLFD_REVENTS = POLLFD.byteOffset(groupElement("revents"));

  private static final @Nullable String UNAVAILABLE = check();

  private final Arena arena;
  private final int fd;
  private final int wakeFd;
  private final MemorySegment capture;
  private final MemorySegment wakeCapture;
  private final MemorySegment buffer;
  private final MemorySegment pollFds;
  private final MemorySegment counter;
  private final MemorySegment wakeCounter;
  private final InotifyParser parser = new InotifyParser();
  /** Bytes of an event at the start of the buffer that the last read did not complete. */
  private int carried;
  private boolean closed;

  private Inotify(Arena arena, int fd, int wakeFd, MemorySegment capture) {
    this.arena = arena;
    this.fd = fd;
    this.wakeFd = wakeFd;
    this.capture = capture;
    this.wakeCapture = Downcalls.newCapture(arena);
    this.buffer = arena.allocate(BUFFER_BYTES, 8);
    this.pollFds = arena.allocate(POLLFD, 2);
    this.counter = arena.allocate(JAVA_LONG);
    this.wakeCounter = arena.allocate(JAVA_LONG);
    pollFds.set(JAVA_INT, POLLFD_FD, fd);
    pollFds.set(JAVA_SHORT, POLLFD_EVENTS, POLLIN);
    pollFds.set(JAVA_INT, POLLFD.byteSize() + POLLFD_FD, wakeFd);
    pollFds.set(JAVA_SHORT, POLLFD.byteSize() + POLLFD_EVENTS, POLLIN);
  }

  /** Why inotify cannot be used in this JVM; empty if it can. */
  public static Optional<String> unavailable() {
    return Optional.ofNullable(UNAVAILABLE);
  }

  /**
   * A new inotify instance.
   *
   * @throws InotifyException if this JVM cannot use inotify or the kernel refuses an instance
   */
  // The arena is the instance's, closed by close() (or here, when the instance cannot be made).
  @SuppressWarnings("MustBeClosedChecker")
  public static Inotify open() throws InotifyException {
    String unavailable = UNAVAILABLE;
    if (unavailable != null) {
      throw new InotifyException("inotify is not available: " + unavailable);
    }
    Arena arena = Arena.ofShared();
    MemorySegment capture = Downcalls.newCapture(arena);
    int fd = InotifyCalls.inotifyInit1(capture, NONBLOCK | CLOEXEC);
    if (fd < 0) {
      int errno = Downcalls.errno(capture);
      arena.close();
      throw new InotifyException(
          errno == Errno.EMFILE
              ? "this user has as many inotify instances as the kernel allows: raise it with"
                  + " sysctl fs.inotify.max_user_instances=<more>"
              : "inotify_init1 failed: " + describe(errno));
    }
    int wakeFd = InotifyCalls.eventfd(capture, 0, NONBLOCK | CLOEXEC);
    if (wakeFd < 0) {
      int errno = Downcalls.errno(capture);
      Downcalls.close(capture, fd);
      arena.close();
      throw new InotifyException("eventfd failed: " + describe(errno));
    }
    return new Inotify(arena, fd, wakeFd, capture);
  }

  /** What {@link #addWatch} did. */
  public sealed interface Watch {
    /** Watched: events of the directory carry {@code wd}. */
    record Added(int wd) implements Watch {}

    /** The path is not there, or is not a directory (a symbolic link included). */
    record Missing() implements Watch {}

    /** The user's watch limit is reached ({@code ENOSPC}). */
    record LimitReached() implements Watch {
      /** What to tell an operator: the limit and the sysctl that raises it. */
      public String reason() {
        return describe(Errno.ENOSPC);
      }
    }

    /** Any other refusal, with a reason to log. */
    record Refused(String reason) implements Watch {}
  }

  /**
   * Watches a directory with {@link #DIRECTORY_MASK}. A directory this instance watches already
   * keeps its watch descriptor.
   */
  public Watch addWatch(Path directory) {
    try (Arena call = Arena.ofConfined()) {
      int wd = InotifyCalls.inotifyAddWatch(capture, fd, call.allocateFrom(directory.toString()), DIRECTORY_MASK);
      if (wd >= 0) {
        return new Watch.Added(wd);
      }
      int errno = Downcalls.errno(capture);
      return switch (errno) {
        case Errno.ENOENT, Errno.ENOTDIR, Errno.ELOOP -> new Watch.Missing();
        case Errno.ENOSPC -> new Watch.LimitReached();
        default -> new Watch.Refused(describe(errno));
      };
    }
  }

  /** Stops a watch; one the kernel has removed already (its directory gone) is no error. */
  public void removeWatch(int wd) {
    InotifyCalls.inotifyRmWatch(capture, fd, wd);
  }

  /**
   * Waits until events can be read, another thread {@link #wakeUp wakes} the reader, or the
   * timeout passes.
   *
   * @return whether events can be read
   */
  public boolean await(int timeoutMillis) throws InotifyException {
    pollFds.set(JAVA_SHORT, POLLFD_REVENTS, (short) 0);
    pollFds.set(JAVA_SHORT, POLLFD.byteSize() + POLLFD_REVENTS, (short) 0);
    int ready = InotifyCalls.poll(capture, pollFds, 2, timeoutMillis);
    if (ready < 0) {
      int errno = Downcalls.errno(capture);
      if (errno == Errno.EINTR) {
        return false;
      }
      throw new InotifyException("poll of the inotify descriptor failed: " + describe(errno));
    }
    if (pollFds.get(JAVA_SHORT, POLLFD.byteSize() + POLLFD_REVENTS) != 0) {
      // Drained so that the next poll waits again; the wake-up's purpose is served by returning.
      InotifyCalls.read(capture, wakeFd, counter, JAVA_LONG.byteSize());
    }
    return pollFds.get(JAVA_SHORT, POLLFD_REVENTS) != 0;
  }

  /** Makes the reader's {@link #await} return. Any thread. */
  public void wakeUp() {
    synchronized (wakeCounter) {
      if (closed) {
        return;
      }
      wakeCounter.set(JAVA_LONG, 0, 1L);
      InotifyCalls.write(wakeCapture, wakeFd, wakeCounter, JAVA_LONG.byteSize());
    }
  }

  /**
   * Reads what the kernel has queued, and hands each complete event to {@code events}; an event
   * the read ended inside of waits for the next read.
   *
   * @return whether anything was read (false: the queue is empty)
   */
  public boolean read(Consumer<InotifyEvent> events) throws InotifyException {
    MemorySegment free = buffer.asSlice(carried);
    long read = InotifyCalls.read(capture, fd, free, free.byteSize());
    if (read < 0) {
      int errno = Downcalls.errno(capture);
      if (errno == Errno.EAGAIN || errno == Errno.EINTR) {
        return false;
      }
      throw new InotifyException("reading the inotify descriptor failed: " + describe(errno));
    }
    int length = carried + (int) read;
    int consumed = parser.parse(buffer, length, events);
    carried = length - consumed;
    if (carried > 0) {
      MemorySegment.copy(buffer, consumed, buffer, 0, carried);
    }
    return read > 0;
  }

  @Override
  public void close() {
    synchronized (wakeCounter) {
      if (closed) {
        return;
      }
      closed = true;
      Downcalls.close(capture, wakeFd);
    }
    Downcalls.close(capture, fd);
    arena.close();
  }

  /** A reason for inotify's errno values that says what to do; {@link Errno#describe} for the rest. */
  static String describe(int errno) {
    return switch (errno) {
      case Errno.EMFILE ->
          "too many inotify instances or open files (EMFILE): raise fs.inotify.max_user_instances"
              + " with sysctl, or the open-file limit (ulimit -n, LimitNOFILE)";
      case Errno.ENOSPC ->
          "the inotify watch limit is reached (ENOSPC): raise it with sysctl"
              + " fs.inotify.max_user_watches=<more>";
      case Errno.ENOSYS -> "the kernel has no inotify (ENOSYS)";
      default -> Errno.describe(errno);
    };
  }

  private static @Nullable String check() {
    String os = System.getProperty("os.name", "");
    if (!os.equals("Linux")) {
      return "the operating system is " + os + ", not Linux";
    }
    String arch = System.getProperty("os.arch", "").toLowerCase(Locale.ROOT);
    if (!arch.equals("amd64") && !arch.equals("x86_64") && !arch.equals("aarch64")) {
      return "the inotify source knows x86-64 and aarch64, not " + arch;
    }
    Module module = Inotify.class.getModule();
    if (!module.isNativeAccessEnabled()) {
      return "native access is not enabled: start the JVM with --enable-native-access="
          + (module.isNamed() ? module.getName() : "ALL-UNNAMED")
          + " (bin/hashstream does)";
    }
    try {
      InotifyCalls.link();
      return null;
    } catch (RuntimeException | LinkageError e) {
      Throwable cause = e.getCause() == null ? e : e.getCause();
      return "the inotify calls could not be linked: " + cause;
    }
  }
}
