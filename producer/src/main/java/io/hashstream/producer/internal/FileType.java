package io.hashstream.producer.internal;

/** What is at a path, as {@code lstat} sees it: links are never followed. */
public enum FileType {
  REGULAR,
  DIRECTORY,
  SYMLINK,
  /** A FIFO, a device or a socket. */
  OTHER
}
