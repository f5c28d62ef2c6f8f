package io.hashstream.nativeio;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The parser on buffers made here as the kernel writes them. */
class InotifyParserTest {
  private final InotifyParser parser = new InotifyParser();

  @Test
  void namesOfEveryLengthAndPaddingAreRead() throws Exception {
    List<InotifyEvent> expected = new ArrayList<>();
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    for (int length = 1; length <= 255; length++) {
      String name = "n".repeat(length);
      // The kernel pads to a multiple of 16 with at least one NUL; any padding is valid.
      int padded = length + 1 + (length % 3) * 16;
      InotifyEvent event = new InotifyEvent(length, Inotify.IN_CREATE, 0, name);
      expected.add(event);
      write(bytes, event, padded);
    }
    assertThat(parseInChunks(bytes.toByteArray(), new Random(1), Integer.MAX_VALUE)).containsExactlyElementsOf(expected);
  }

  @Test
  void eventsSplitAcrossReadsAtAnyByteAreWhole() throws Exception {
    Random random = new Random(42);
    for (int round = 0; round < 200; round++) {
      List<InotifyEvent> expected = new ArrayList<>();
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      for (int i = 0, count = 1 + random.nextInt(40); i < count; i++) {
        InotifyEvent event = randomEvent(random);
        expected.add(event);
        String name = event.name();
        int length = name == null ? 0 : name.getBytes(StandardCharsets.UTF_8).length;
        write(bytes, event, length == 0 ? 0 : length + 1 + random.nextInt(16));
      }
      assertThat(parseInChunks(bytes.toByteArray(), random, 1 + random.nextInt(64)))
          .as("round %d", round)
          .containsExactlyElementsOf(expected);
    }
  }

  @Test
  void theDirectoryItselfHasAnEmptyNameAndAnOverflowNoWatch() throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    write(bytes, new InotifyEvent(3, Inotify.IN_IGNORED, 0, ""), 0);
    write(bytes, new InotifyEvent(-1, Inotify.IN_Q_OVERFLOW, 0, ""), 0);
    assertThat(parseInChunks(bytes.toByteArray(), new Random(3), Integer.MAX_VALUE))
        .containsExactly(new InotifyEvent(3, Inotify.IN_IGNORED, 0, ""), new InotifyEvent(-1, Inotify.IN_Q_OVERFLOW, 0, ""));
  }

  @Test
  void aNameThatIsNotUtf8IsNull() throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    header(bytes, 1, Inotify.IN_CREATE, 0, 16);
    bytes.write(new byte[] {'b', 'a', 'd', (byte) 0xff, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0});
    write(bytes, new InotifyEvent(1, Inotify.IN_CREATE, 0, "grüße"), 16);
    assertThat(parseInChunks(bytes.toByteArray(), new Random(4), Integer.MAX_VALUE))
        .containsExactly(new InotifyEvent(1, Inotify.IN_CREATE, 0, null), new InotifyEvent(1, Inotify.IN_CREATE, 0, "grüße"));
  }

  @Test
  void aLengthNoKernelWritesIsRefused() throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    header(bytes, 1, Inotify.IN_CREATE, 0, -16);
    MemorySegment buffer = MemorySegment.ofArray(bytes.toByteArray());
    assertThatThrownBy(() -> parser.parse(buffer, 16, event -> {}))
        .isInstanceOf(InotifyException.class)
        .hasMessageContaining("claims a name of");
  }

  /** Feeds {@code all} in reads of at most {@code chunk} bytes, carrying a partial event as Inotify does. */
  private List<InotifyEvent> parseInChunks(byte[] all, Random random, int chunk) throws InotifyException {
    List<InotifyEvent> events = new ArrayList<>();
    byte[] buffer = new byte[all.length + 1];
    MemorySegment segment = MemorySegment.ofArray(buffer);
    int carried = 0;
    int offset = 0;
    while (offset < all.length) {
      int read = Math.min(all.length - offset, 1 + random.nextInt(Math.min(chunk, all.length)));
      System.arraycopy(all, offset, buffer, carried, read);
      offset += read;
      int length = carried + read;
      int consumed = parser.parse(segment, length, events::add);
      carried = length - consumed;
      System.arraycopy(buffer, consumed, buffer, 0, carried);
    }
    assertThat(carried).as("bytes left over").isZero();
    return events;
  }

  private static InotifyEvent randomEvent(Random random) {
    int[] masks = {
      Inotify.IN_CREATE, Inotify.IN_CLOSE_WRITE, Inotify.IN_MOVED_FROM, Inotify.IN_MOVED_TO,
      Inotify.IN_DELETE | Inotify.IN_ISDIR, Inotify.IN_MODIFY, Inotify.IN_ATTRIB
    };
    int mask = masks[random.nextInt(masks.length)];
    String name = random.nextInt(10) == 0 ? "" : randomName(random);
    int cookie = (mask & (Inotify.IN_MOVED_FROM | Inotify.IN_MOVED_TO)) != 0 ? random.nextInt() : 0;
    return new InotifyEvent(random.nextInt(1000), mask, cookie, name);
  }

  private static String randomName(Random random) {
    StringBuilder name = new StringBuilder();
    String alphabet = "abcXYZ019._-äé€😀";
    for (int i = 0, length = 1 + random.nextInt(60); i < length; i++) {
      name.appendCodePoint(alphabet.codePoints().toArray()[random.nextInt(alphabet.codePointCount(0, alphabet.length()))]);
    }
    return name.toString();
  }

  private static void write(ByteArrayOutputStream bytes, InotifyEvent event, int padded) {
    String name = event.name();
    byte[] encoded = name == null ? new byte[0] : name.getBytes(StandardCharsets.UTF_8);
    header(bytes, event.wd(), event.mask(), event.cookie(), padded);
    bytes.write(encoded, 0, encoded.length);
    bytes.write(new byte[padded - encoded.length], 0, padded - encoded.length);
  }

  private static void header(ByteArrayOutputStream bytes, int wd, int mask, int cookie, int length) {
    ByteBuffer header = ByteBuffer.allocate(InotifyParser.HEADER_BYTES).order(ByteOrder.nativeOrder());
    header.putInt(wd).putInt(mask).putInt(cookie).putInt(length);
    bytes.write(header.array(), 0, InotifyParser.HEADER_BYTES);
  }
}
