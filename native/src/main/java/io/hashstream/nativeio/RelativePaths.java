package io.hashstream.nativeio;

import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CharsetEncoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.CharBuffer;
import java.nio.ByteBuffer;
import org.jspecify.annotations.Nullable;

/**
 * The checks an event's relative path passes before anything is opened (the same as {@link
 * io.hashstream.nativeio.PathResolver}'s, with its messages), and its bytes for the
 * kernel.
 */
final class RelativePaths {
  /**
   * The charset the JDK names files with ({@code sun.jnu.encoding}, from the locale), so a path
   * names the same file here as through {@link java.nio.file.Path}.
   */
  static final Charset FILE_NAMES =
      Charset.forName(System.getProperty("sun.jnu.encoding", "UTF-8"), StandardCharsets.UTF_8);

  private RelativePaths() {}

  /** Why {@code relative} must not be opened; {@code null} if it may be. */
  static @Nullable String refusal(String relative) {
    if (relative.isEmpty()) {
      return "the path is empty";
    }
    if (relative.startsWith("/")) {
      return "the path is absolute";
    }
    if (relative.indexOf('\0') >= 0) {
      return "the path contains NUL";
    }
    int start = 0;
    while (true) {
      int end = relative.indexOf('/', start);
      String segment = end < 0 ? relative.substring(start) : relative.substring(start, end);
      if (segment.isEmpty() || segment.equals(".") || segment.equals("..")) {
        return "the path has an empty, '.' or '..' segment";
      }
      if (end < 0) {
        return null;
      }
      start = end + 1;
    }
  }

  /** A strict encoder (never a replacement character) for one thread. */
  static CharsetEncoder newEncoder() {
    return FILE_NAMES
        .newEncoder()
        .onMalformedInput(CodingErrorAction.REPORT)
        .onUnmappableCharacter(CodingErrorAction.REPORT);
  }

  /** The bytes of {@code text} in the file-name charset, or {@code null} if it cannot say it. */
  static byte @Nullable [] encode(CharsetEncoder encoder, String text) {
    try {
      ByteBuffer bytes = encoder.reset().encode(CharBuffer.wrap(text));
      byte[] array = new byte[bytes.remaining()];
      bytes.get(array);
      return array;
    } catch (CharacterCodingException e) {
      return null;
    }
  }

  /** Why a path cannot be encoded: the locale the JVM started under. */
  static String unencodable() {
    return "the path cannot be written in the file-name charset "
        + FILE_NAMES.name()
        + ": start hashstream under a UTF-8 locale (bin/hashstream does)";
  }
}
