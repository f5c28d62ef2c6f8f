package io.hashstream.nativeio;

/** inotify refused, or could not be used: the message says why and, where it can, what to do. */
public final class InotifyException extends Exception {
  private static final long serialVersionUID = 1L;

  InotifyException(String message) {
    super(message);
  }
}
