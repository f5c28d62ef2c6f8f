package io.hashstream.schemas;

import java.io.Serial;
import java.nio.file.Path;

/**
 * A file whose name is not valid UTF-8 (or not representable in the JVM's file-name encoding): it
 * cannot become a key without colliding with another name, so it is reported, not published.
 * {@link #directory()} names the directory that holds it, in a form safe to log.
 */
public final class NonUtf8NameException extends IllegalArgumentException {
  @Serial private static final long serialVersionUID = 1L;

  private final String directory;

  public NonUtf8NameException(String directory) {
    super(
        "a file in directory '"
            + directory
            + "' has a name that is not valid UTF-8; it is not published (see the README of"
            + " hashstream-schemas: non-UTF-8 file names)");
    this.directory = directory;
  }

  /** The directory holding the file, relative to the root ("" for the root itself). */
  public String directory() {
    return directory;
  }

  static NonUtf8NameException in(Path relative) {
    Path parent = relative.getParent();
    return new NonUtf8NameException(parent == null ? "" : parent.toString());
  }
}
