package io.hashstream.schemas;

import java.nio.file.Path;

/**
 * File names as hashstream can publish them. On Linux a name is a sequence of bytes; the JVM turns
 * it into a string with its file-name encoding ({@code sun.jnu.encoding}, from the locale), and
 * replaces bytes it cannot decode with U+FFFD. Two different names can therefore become the same
 * string: such a name cannot be a key, and hashstream reports the file instead of publishing it.
 */
public final class FileNames {
  private static final String NATIVE_ENCODING_PROPERTY = "sun.jnu.encoding";

  private FileNames() {}

  /**
   * Whether every name element of {@code path} survives the trip to a string and back: false for
   * a name that is not valid UTF-8 (under a UTF-8 locale), or has characters the JVM's file-name
   * encoding cannot represent (under another locale). Works on the path's own bytes, so it only
   * means something for paths that came from the file system (a directory listing, a watch event).
   */
  public static boolean isRepresentable(Path path) {
    // A Unix path compares by its bytes; a path made from the decoded string has the encoded bytes
    // of that string, which differ exactly when decoding lost something.
    return path.equals(path.getFileSystem().getPath(path.toString()));
  }

  /** The JVM's file-name encoding, as {@code sun.jnu.encoding} names it. */
  public static String nativeEncoding() {
    return System.getProperty(NATIVE_ENCODING_PROPERTY, "UTF-8");
  }

  /**
   * Fails unless the JVM decodes file names as UTF-8. Under another locale (for example {@code
   * LANG=C}, which gives ASCII) every non-ASCII name would be unrepresentable: run hashstream with a
   * UTF-8 locale such as {@code LANG=C.UTF-8}.
   *
   * @throws IllegalStateException naming the encoding in use and the fix
   */
  public static void requireUtf8NativeEncoding() {
    String encoding = nativeEncoding();
    if (!encoding.equalsIgnoreCase("UTF-8") && !encoding.equalsIgnoreCase("UTF8")) {
      throw new IllegalStateException(
          "this JVM decodes file names as "
              + encoding
              + ", not UTF-8, so non-ASCII file names could not be published: start it with a"
              + " UTF-8 locale, for example LANG=C.UTF-8");
    }
  }
}
