package io.hashstream.nativeio;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;

import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import org.jspecify.annotations.Nullable;

/**
 * File names the kernel wrote into native memory, NUL-terminated, as strings: strictly UTF-8 (a
 * name that is not could never be a key, so it is null, not a string with replacement characters).
 * Keeps one scratch array and one decoder: not thread-safe, one per owner.
 */
final class NativeNames {
  private final CharsetDecoder utf8 =
      StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT);
  private byte[] scratch = new byte[256];

  /** The bytes of the name at {@code start}, up to its NUL or {@code limit} bytes. */
  static int length(MemorySegment memory, long start, long limit) {
    int length = 0;
    while (length < limit && memory.get(JAVA_BYTE, start + length) != 0) {
      length++;
    }
    return length;
  }

  /** The {@code length} bytes at {@code start} as a string; null if they are not valid UTF-8. */
  @Nullable String decode(MemorySegment memory, long start, int length) {
    if (scratch.length < length) {
      scratch = new byte[Math.max(length, 2 * scratch.length)];
    }
    MemorySegment.copy(memory, JAVA_BYTE, start, scratch, 0, length);
    boolean ascii = true;
    for (int i = 0; i < length && ascii; i++) {
      ascii = scratch[i] >= 0;
    }
    if (ascii) {
      return new String(scratch, 0, length, StandardCharsets.US_ASCII);
    }
    try {
      CharBuffer decoded = utf8.reset().decode(ByteBuffer.wrap(scratch, 0, length));
      return decoded.toString();
    } catch (CharacterCodingException e) {
      return null;
    }
  }
}
