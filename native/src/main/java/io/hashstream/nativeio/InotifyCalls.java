package io.hashstream.nativeio;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

/**
 * The inotify source's calls: {@code inotify_init1}, {@code inotify_add_watch}, {@code
 * inotify_rm_watch}, {@code eventfd}, {@code poll}, {@code read} and {@code write} ({@code close} is {@link Downcalls#close}).
 * Initialised only after {@link Inotify}'s check has seen native access; each returns the raw
 * result, and a negative one leaves the reason in the capture segment ({@link Downcalls#errno}).
 */
final class InotifyCalls {

  private static final MethodHandle INIT1 = handle("inotify_init1", FunctionDescriptor.of(JAVA_INT, JAVA_INT));
  private static final MethodHandle ADD_WATCH =
      handle("inotify_add_watch", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT));
  private static final MethodHandle RM_WATCH =
      handle("inotify_rm_watch", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT));
  private static final MethodHandle EVENTFD =
      handle("eventfd", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT));
  /** {@code int poll(struct pollfd *fds, nfds_t nfds, int timeout)}, nfds_t unsigned long. */
  private static final MethodHandle POLL =
      handle("poll", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT));
  private static final MethodHandle READ =
      handle("read", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG));
  private static final MethodHandle WRITE =
      handle("write", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG));

  private InotifyCalls() {}

  /** Initialises the class: a missing symbol shows here, as an ExceptionInInitializerError. */
  static void link() {
    INIT1.type();
  }

  private static MethodHandle handle(String name, FunctionDescriptor descriptor) {
    return Downcalls.link(name, descriptor);
  }

  static int inotifyInit1(MemorySegment capture, int flags) {
    try {
      return (int) INIT1.invokeExact(capture, flags);
    } catch (Throwable t) {
      throw Downcalls.unexpected(t);
    }
  }

  static int inotifyAddWatch(MemorySegment capture, int fd, MemorySegment path, int mask) {
    try {
      return (int) ADD_WATCH.invokeExact(capture, fd, path, mask);
    } catch (Throwable t) {
      throw Downcalls.unexpected(t);
    }
  }

  static int inotifyRmWatch(MemorySegment capture, int fd, int wd) {
    try {
      return (int) RM_WATCH.invokeExact(capture, fd, wd);
    } catch (Throwable t) {
      throw Downcalls.unexpected(t);
    }
  }

  static int eventfd(MemorySegment capture, int initial, int flags) {
    try {
      return (int) EVENTFD.invokeExact(capture, initial, flags);
    } catch (Throwable t) {
      throw Downcalls.unexpected(t);
    }
  }

  static int poll(MemorySegment capture, MemorySegment fds, long count, int timeoutMillis) {
    try {
      return (int) POLL.invokeExact(capture, fds, count, timeoutMillis);
    } catch (Throwable t) {
      throw Downcalls.unexpected(t);
    }
  }

  static long read(MemorySegment capture, int fd, MemorySegment into, long count) {
    try {
      return (long) READ.invokeExact(capture, fd, into, count);
    } catch (Throwable t) {
      throw Downcalls.unexpected(t);
    }
  }

  static long write(MemorySegment capture, int fd, MemorySegment from, long count) {
    try {
      return (long) WRITE.invokeExact(capture, fd, from, count);
    } catch (Throwable t) {
      throw Downcalls.unexpected(t);
    }
  }
}
