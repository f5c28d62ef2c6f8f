package io.hashstream.nativeio;

import java.util.Optional;

/**
 * Opens a file an event names, under its root, for hashing: only a regular file is opened for
 * reading, never past the root, never through a symbolic link, and never blocking in {@code open}.
 *
 * <p>One opener per hashing thread: it owns a read buffer (native memory for the Linux opener) and
 * is not thread-safe; a second thread using it at the same time gets a {@link
 * java.util.ConcurrentModificationException}. {@link #close} releases its memory: close every
 * {@link OpenFile} first.
 *
 * <pre>{@code
 * try (FileOpener opener = FileOpener.forThisPlatform()) {          // one per thread
 *   switch (opener.open(root, "dir/file.txt")) {                    // root: a RootDirectory
 *     case OpenOutcome.Opened(OpenFile file) -> { try (file) { file.update(digest); } }
 *     case OpenOutcome.Gone() -> ...
 *     ...
 *   }
 * }
 * }</pre>
 */
public sealed interface FileOpener extends AutoCloseable permits LinuxFileOpener, JavaFileOpener {

  /** The native opener where it runs ({@link #linux}), else the checked Java path ({@link #java}). */
  static FileOpener forThisPlatform() {
    Optional<FileOpener> linux = linux();
    return linux.isPresent() ? linux.get() : java();
  }

  /**
   * The race-free opener ({@code openat2} beneath the root's descriptor), where this JVM can run
   * it: Linux on x86-64, a kernel with {@code openat2}, {@code /proc} mounted, and {@code
   * --enable-native-access}. {@link #nativeUnavailable} says why not.
   */
  static Optional<FileOpener> linux() {
    return LinuxSupport.available()
        ? Optional.of(new LinuxFileOpener(LinuxCalls.SYS_OPENAT2))
        : Optional.empty();
  }

  /**
   * The checked Java path, on every platform: check the type without following links, then open
   * without following a final link. Between the check and the open a window remains (see the
   * package documentation).
   */
  static FileOpener java() {
    return new JavaFileOpener();
  }

  /** Why {@link #linux} is empty here, to log once at start-up; empty if it is not. */
  static Optional<String> nativeUnavailable() {
    return LinuxSupport.unavailable();
  }

  /**
   * Opens {@code relativePath} ({@code /}-separated, as events name files) under {@code root}.
   *
   * @throws IllegalStateException if the root or this opener is closed
   */
  OpenOutcome open(RootDirectory root, String relativePath);

  /** How this opener opens files, for a start-up log line. */
  String description();

  /** Releases the opener's buffers. A second call does nothing. */
  @Override
  void close();
}
