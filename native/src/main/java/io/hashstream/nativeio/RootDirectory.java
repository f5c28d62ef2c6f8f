package io.hashstream.nativeio;

import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One root's directory: its real path and, where the native opener runs, a descriptor for it
 * ({@code O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC}) that every path of the root is opened
 * beneath.
 *
 * <p>Shared by every hashing thread and closed once, on shutdown. {@link #close} may come from any
 * thread, even while a thread is opening a file beneath the root: the descriptor is released when
 * the last such open ends, so its number is never reused under a running {@code openat2}. An open
 * that starts after {@link #close} fails with {@link ClosedException}.
 */
public final class RootDirectory implements AutoCloseable {
  /** An open beneath a root that was closed: at shutdown, or after the root was opened anew. */
  public static final class ClosedException extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    ClosedException(Path path) {
      super("the root directory " + path + " is closed");
    }
  }

  /** The sign bit of {@link #users}: closed, or closing once the count of users reaches zero. */
  private static final int CLOSING = Integer.MIN_VALUE;

  private final Path path;
  private final int descriptor;
  private final AtomicInteger users = new AtomicInteger();

  private RootDirectory(Path path, int descriptor) {
    this.path = path;
    this.descriptor = descriptor;
  }

  /**
   * Opens a root.
   *
   * @param rootReal the root's real path ({@link Path#toRealPath}): absolute, no symbolic links
   * @throws IOException if the native opener runs here and the directory cannot be opened
   */
  public static RootDirectory open(Path rootReal) throws IOException {
    if (!rootReal.isAbsolute()) {
      throw new IllegalArgumentException("a root's real path is absolute: " + rootReal);
    }
    if (!LinuxSupport.available()) {
      return new RootDirectory(rootReal, -1);
    }
    byte[] bytes = RelativePaths.encode(RelativePaths.newEncoder(), rootReal.toString());
    if (bytes == null) {
      throw new IOException("the root directory " + rootReal + " cannot be opened: " + RelativePaths.unencodable());
    }
    return new RootDirectory(rootReal, LinuxCalls.openDirectory(bytes, rootReal.toString()));
  }

  /** The root's real path. */
  public Path path() {
    return path;
  }

  /** Whether this root has a directory descriptor, that is whether the native opener runs here. */
  boolean hasDescriptor() {
    return descriptor >= 0;
  }

  /**
   * The descriptor, held open until {@link #release}: call both in a try/finally.
   *
   * @throws ClosedException if the root is closed
   */
  int acquire() {
    while (true) {
      int count = users.get();
      if (count < 0) {
        throw new ClosedException(path);
      }
      if (users.compareAndSet(count, count + 1)) {
        return descriptor;
      }
    }
  }

  /** Ends one {@link #acquire}; the last one after {@link #close} closes the descriptor. */
  void release() {
    if (users.decrementAndGet() == CLOSING) {
      closeDescriptor();
    }
  }

  /** Closes the root; opens already running finish first. A second call does nothing. */
  @Override
  public void close() {
    while (true) {
      int count = users.get();
      if (count < 0) {
        return;
      }
      if (users.compareAndSet(count, count | CLOSING)) {
        if (count == 0) {
          closeDescriptor();
        }
        return;
      }
    }
  }

  private void closeDescriptor() {
    if (descriptor >= 0) {
      try (java.lang.foreign.Arena arena = java.lang.foreign.Arena.ofConfined()) {
        // close(2) on Linux releases the descriptor even when it reports an error: nothing to retry.
        var _ = Downcalls.close(LinuxCalls.newCaptureSegment(arena), descriptor);
      }
    }
  }

  @Override
  public String toString() {
    return "RootDirectory[" + path + (descriptor >= 0 ? ", fd " + descriptor : "") + "]";
  }
}
