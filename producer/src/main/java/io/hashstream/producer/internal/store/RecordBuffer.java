package io.hashstream.producer.internal.store;

import java.io.ByteArrayOutputStream;

/** A growable buffer whose bytes are read in place, without the copy {@code toByteArray} makes. */
final class RecordBuffer extends ByteArrayOutputStream {
  RecordBuffer(int size) {
    super(size);
  }

  /** The backing array: its first {@link #size()} bytes are the contents. */
  byte[] array() {
    return buf;
  }
}
