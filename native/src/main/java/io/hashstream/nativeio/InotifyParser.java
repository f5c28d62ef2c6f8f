package io.hashstream.nativeio;

import static java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED;

import java.lang.foreign.MemorySegment;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * Decodes what {@code read(2)} of an inotify descriptor returned: {@code struct inotify_event {int
 * wd; uint32_t mask; uint32_t cookie; uint32_t len; char name[len];}} one after another, in the
 * machine's byte order, {@code name} NUL-terminated and padded to {@code len}. Not thread-safe: one
 * per reader.
 */
final class InotifyParser {
  /** The fixed part of an event. */
  static final int HEADER_BYTES = 16;

  private final NativeNames names = new NativeNames();

  /**
   * Hands every complete event of {@code buffer[0, length)} to {@code events}, in order.
   *
   * @return the bytes consumed: the rest is the start of an event, to parse again with more bytes
   *     after it
   * @throws InotifyException if an event's length cannot be right (the buffer is not what inotify
   *     writes)
   */
  int parse(MemorySegment buffer, int length, Consumer<InotifyEvent> events) throws InotifyException {
    int offset = 0;
    while (length - offset >= HEADER_BYTES) {
      int wd = buffer.get(JAVA_INT_UNALIGNED, offset);
      int mask = buffer.get(JAVA_INT_UNALIGNED, offset + 4);
      int cookie = buffer.get(JAVA_INT_UNALIGNED, offset + 8);
      int nameBytes = buffer.get(JAVA_INT_UNALIGNED, offset + 12);
      if (nameBytes < 0 || nameBytes > 4096) {
        throw new InotifyException(
            "an inotify event at byte " + offset + " claims a name of " + Integer.toUnsignedString(nameBytes) + " bytes");
      }
      if (length - offset - HEADER_BYTES < nameBytes) {
        break;
      }
      events.accept(new InotifyEvent(wd, mask, cookie, name(buffer, offset + HEADER_BYTES, nameBytes)));
      offset += HEADER_BYTES + nameBytes;
    }
    return offset;
  }

  private @Nullable String name(MemorySegment buffer, int start, int padded) {
    int length = NativeNames.length(buffer, start, padded);
    return length == 0 ? "" : names.decode(buffer, start, length);
  }
}
