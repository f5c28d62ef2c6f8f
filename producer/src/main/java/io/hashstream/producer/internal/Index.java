package io.hashstream.producer.internal;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;
import org.jspecify.annotations.Nullable;

/**
 * One root's index: relative path → {@link IndexEntry}, stored as a tree of directories so that a
 * directory's files can be listed and a whole subtree retired without scanning every entry, and so
 * that directory names are stored once. Owned by the tracker's thread; not thread-safe.
 *
 * <p>Paths are relative, with {@code /} separators; the root directory is {@code ""}.
 */
public final class Index {
  private final Directory top = new Directory();
  private long files;

  /** The number of files. */
  public long size() {
    return files;
  }

  public @Nullable IndexEntry get(String path) {
    int slash = path.lastIndexOf('/');
    Directory directory = slash < 0 ? top : directory(path.substring(0, slash));
    return directory == null ? null : directory.file(path.substring(slash + 1));
  }

  public void put(String path, IndexEntry entry) {
    int slash = path.lastIndexOf('/');
    Directory directory = top;
    if (slash >= 0) {
      for (String name : segments(path.substring(0, slash))) {
        directory = directory.childOrCreate(name);
      }
    }
    if (directory.putFile(path.substring(slash + 1), entry)) {
      files++;
    }
  }

  /** Removes a file; prunes directories left empty. */
  public void remove(String path) {
    List<Directory> chain = new ArrayList<>();
    List<String> names = segments(path);
    Directory directory = top;
    chain.add(directory);
    for (int i = 0; i < names.size() - 1; i++) {
      directory = directory.child(names.get(i));
      if (directory == null) {
        return;
      }
      chain.add(directory);
    }
    if (!directory.removeFile(names.getLast())) {
      return;
    }
    files--;
    for (int i = chain.size() - 1; i > 0; i--) {
      if (!chain.get(i).isEmpty()) {
        break;
      }
      chain.get(i - 1).removeChild(names.get(i - 1));
    }
  }

  /** Whether {@code path} is a directory holding indexed files. */
  public boolean isDirectory(String path) {
    return directory(path) != null;
  }

  /** The names of the files directly in {@code directory}. */
  public Set<String> fileNames(String directory) {
    Directory node = directory(directory);
    return node == null ? Set.of() : node.fileNames();
  }

  /** The names of the subdirectories of {@code directory} that hold indexed files. */
  public Set<String> directoryNames(String directory) {
    Directory node = directory(directory);
    return node == null ? Set.of() : node.childNames();
  }

  /** Every file under {@code directory} (its whole subtree), with its relative path. */
  public void forEachUnder(String directory, BiConsumer<String, IndexEntry> action) {
    Directory node = directory(directory);
    if (node != null) {
      node.forEach(directory, action);
    }
  }

  private @Nullable Directory directory(String path) {
    if (path.isEmpty()) {
      return top;
    }
    Directory directory = top;
    for (String name : segments(path)) {
      directory = directory.child(name);
      if (directory == null) {
        return null;
      }
    }
    return directory;
  }

  static List<String> segments(String path) {
    List<String> names = new ArrayList<>(8);
    int start = 0;
    for (int slash = path.indexOf('/'); slash >= 0; slash = path.indexOf('/', start)) {
      names.add(path.substring(start, slash));
      start = slash + 1;
    }
    names.add(path.substring(start));
    return names;
  }

  /** A directory's files and subdirectories; maps allocated on first use to save memory. */
  private static final class Directory {
    private @Nullable Map<String, Directory> children;
    private @Nullable Map<String, IndexEntry> files;

    @Nullable Directory child(String name) {
      Map<String, Directory> map = children;
      return map == null ? null : map.get(name);
    }

    Directory childOrCreate(String name) {
      Map<String, Directory> map = children;
      if (map == null) {
        map = new HashMap<>(4);
        children = map;
      }
      return map.computeIfAbsent(name, n -> new Directory());
    }

    void removeChild(String name) {
      Map<String, Directory> map = children;
      if (map != null) {
        map.remove(name);
        if (map.isEmpty()) {
          children = null;
        }
      }
    }

    @Nullable IndexEntry file(String name) {
      Map<String, IndexEntry> map = files;
      return map == null ? null : map.get(name);
    }

    /** Returns true if the file is new. */
    boolean putFile(String name, IndexEntry entry) {
      Map<String, IndexEntry> map = files;
      if (map == null) {
        map = new HashMap<>(4);
        files = map;
      }
      return map.put(name, entry) == null;
    }

    boolean removeFile(String name) {
      Map<String, IndexEntry> map = files;
      if (map == null || map.remove(name) == null) {
        return false;
      }
      if (map.isEmpty()) {
        files = null;
      }
      return true;
    }

    boolean isEmpty() {
      return children == null && files == null;
    }

    Set<String> fileNames() {
      Map<String, IndexEntry> map = files;
      return map == null ? Set.of() : Set.copyOf(map.keySet());
    }

    Set<String> childNames() {
      Map<String, Directory> map = children;
      return map == null ? Set.of() : Set.copyOf(map.keySet());
    }

    void forEach(String prefix, BiConsumer<String, IndexEntry> action) {
      String base = prefix.isEmpty() ? "" : prefix + "/";
      Map<String, IndexEntry> fileMap = files;
      if (fileMap != null) {
        fileMap.forEach((name, entry) -> action.accept(base + name, entry));
      }
      Map<String, Directory> childMap = children;
      if (childMap != null) {
        childMap.forEach((name, child) -> child.forEach(base + name, action));
      }
    }
  }
}
