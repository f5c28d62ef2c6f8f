package io.hashstream.nativeio;

import org.jspecify.annotations.Nullable;

/**
 * What opening one relative path under a root came to. Only {@link Opened} holds a resource: its
 * file must be closed. A file that is not there is a value, not an exception.
 */
public sealed interface OpenOutcome {
  /** A regular file, open for reading; close it (try-with-resources). */
  record Opened(OpenFile file) implements OpenOutcome {}

  /** Nothing is at the path, or a directory on the way is missing or is not a directory. */
  record Gone() implements OpenOutcome {}

  /**
   * The path is no longer a file of the tree: a directory on the way was replaced by a symbolic
   * link (the native opener follows none). What the table held for it is gone.
   */
  record NotInTree(String reason) implements OpenOutcome {}

  /** Something other than a regular file is there; it was never opened for reading. */
  record NotRegular(FileState state) implements OpenOutcome {}

  /**
   * The path is not safe to open: it is malformed, leads outside the root, or crosses a symbolic
   * link on the way (the native opener follows none; see the package documentation).
   */
  record Refused(String reason) implements OpenOutcome {}

  /**
   * It cannot be opened: permissions, an I/O error, a resource limit.
   *
   * @param mayPass whether a later try may succeed (EIO, EMFILE, ENFILE, EAGAIN, ENOMEM, a lease,
   *     {@code /proc/self/fd}): worth trying again before the file is reported unreadable; never
   *     for permissions
   */
  record Unreadable(String reason, @Nullable FileState state, boolean mayPass) implements OpenOutcome {
    /** A failure that a later try would meet again (permissions). */
    public Unreadable(String reason, @Nullable FileState state) {
      this(reason, state, false);
    }
  }
}
