package io.hashstream.nativeio;

/** What is at a path, as {@code lstat(2)} says, without following a symbolic link. */
public enum FileKind {
  REGULAR,
  DIRECTORY,
  SYMLINK,
  FIFO,
  DEVICE,
  SOCKET,
  OTHER
}
