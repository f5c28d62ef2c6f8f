package io.hashstream.producer.internal.store;

import io.hashstream.producer.internal.Index;
import io.hashstream.producer.internal.IndexEntry;
import java.util.Map;

/**
 * Where the tracker records each change of its index, in order, on its own thread. {@link #NONE}
 * for a producer without a state directory.
 */
public interface IndexJournal {
  /** Records nothing. */
  IndexJournal NONE =
      new IndexJournal() {
        @Override
        public void put(String root, String path, IndexEntry entry) {}

        @Override
        public void remove(String root, String path) {}

        @Override
        public void position(TablePosition position) {}

        @Override
        public void endOfTurn(Map<String, Index> indexes) {}

        @Override
        public void close(Map<String, Index> indexes) {}
      };

  void put(String root, String path, IndexEntry entry);

  void remove(String root, String path);

  /** The index now reflects the hash table up to {@code position}. */
  void position(TablePosition position);

  /** The end of one turn of the tracker's loop: {@code indexes} is consistent now. */
  void endOfTurn(Map<String, Index> indexes);

  /** The tracker stopped; {@code indexes} is final. */
  void close(Map<String, Index> indexes);
}
