package io.hashstream.schemas.internal;

import java.nio.charset.StandardCharsets;

/** Percent-encoding of one URL path segment (RFC 3986: everything but unreserved characters). */
final class PathSegments {
  private static final char[] HEX = "0123456789ABCDEF".toCharArray();

  private PathSegments() {}

  static String encode(String segment) {
    StringBuilder out = new StringBuilder(segment.length());
    for (byte b : segment.getBytes(StandardCharsets.UTF_8)) {
      int c = b & 0xff;
      if ((c >= 'A' && c <= 'Z')
          || (c >= 'a' && c <= 'z')
          || (c >= '0' && c <= '9')
          || c == '-'
          || c == '.'
          || c == '_'
          || c == '~') {
        out.append((char) c);
      } else {
        out.append('%').append(HEX[c >> 4]).append(HEX[c & 0xf]);
      }
    }
    return out.toString();
  }
}
