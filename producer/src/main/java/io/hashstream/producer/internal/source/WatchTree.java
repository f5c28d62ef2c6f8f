package io.hashstream.producer.internal.source;

import io.hashstream.producer.internal.RootSpec;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.LongConsumer;
import org.jspecify.annotations.Nullable;

/**
 * The directories a source watches, as a tree per root, with the map from the operating system's
 * handle of each watch ({@code H}: a JDK {@code WatchKey}, an inotify watch descriptor) to its
 * node. Not thread-safe: owned by the one thread that watches.
 *
 * @param <H> the handle of a watch
 */
final class WatchTree<H> {
  private final Map<H, Node<H>> byHandle = new HashMap<>();
  private final Map<String, Node<H>> tops = new HashMap<>();
  private final Consumer<H> cancel;
  private final LongConsumer watchedCount;

  /**
   * @param cancel stops the operating system's watch of a handle
   * @param watchedCount hears the number of watched directories after every change of it
   */
  WatchTree(Consumer<H> cancel, LongConsumer watchedCount) {
    this.cancel = cancel;
    this.watchedCount = watchedCount;
  }

  /** Where a directory is, or would be, in the tree. */
  sealed interface Place<H> {
    /** Watched already. */
    record Existing<H>(Node<H> node) implements Place<H> {}

    /** Not watched, its parent is (or it is a root, with no parent): it can be added. */
    record Vacant<H>(@Nullable Node<H> parent, String name) implements Place<H> {}

    /** Its parent is not watched (gone, or refused a watch): neither can it be. */
    record Orphan<H>() implements Place<H> {}
  }

  int size() {
    return byHandle.size();
  }

  @Nullable Node<H> node(H handle) {
    return byHandle.get(handle);
  }

  @Nullable Node<H> top(String root) {
    return tops.get(root);
  }

  Place<H> place(RootSpec root, String relative) {
    if (relative.isEmpty()) {
      Node<H> existing = tops.get(root.name());
      return existing == null ? new Place.Vacant<>(null, "") : new Place.Existing<>(existing);
    }
    int slash = relative.lastIndexOf('/');
    Node<H> parent = slash < 0 ? tops.get(root.name()) : find(root, relative.substring(0, slash));
    if (parent == null) {
      return new Place.Orphan<>();
    }
    String name = relative.substring(slash + 1);
    Node<H> existing = parent.children.get(name);
    return existing == null ? new Place.Vacant<>(parent, name) : new Place.Existing<>(existing);
  }

  @Nullable Node<H> find(RootSpec root, String relative) {
    Node<H> node = tops.get(root.name());
    if (relative.isEmpty() || node == null) {
      return node;
    }
    int start = 0;
    while (node != null) {
      int slash = relative.indexOf('/', start);
      String name = slash < 0 ? relative.substring(start) : relative.substring(start, slash);
      node = node.children.get(name);
      if (slash < 0) {
        return node;
      }
      start = slash + 1;
    }
    return null;
  }

  /**
   * Adds a watch at a {@link Place.Vacant} place. A handle the tree knows under another path is
   * the same directory moved without a word: it moves here, its old subtree retired.
   */
  Node<H> add(RootSpec root, Place.Vacant<H> place, H handle) {
    Node<H> previous = byHandle.get(handle);
    if (previous != null) {
      detach(previous);
      retireChildren(previous);
    }
    Node<H> parent = place.parent();
    Node<H> node = new Node<>(root, handle, parent, place.name());
    byHandle.put(handle, node);
    if (parent == null) {
      tops.put(root.name(), node);
    } else {
      parent.children.put(place.name(), node);
    }
    watchedCount.accept(byHandle.size());
    return node;
  }

  /** Stops watching {@code node} and its subtree. */
  void retire(Node<H> node) {
    detach(node);
    retireChildren(node);
    if (byHandle.get(node.handle) == node) {
      byHandle.remove(node.handle);
      cancel.accept(node.handle);
    }
    watchedCount.accept(byHandle.size());
  }

  /** The operating system dropped {@code node}'s watch itself: forgets it, retires its subtree. */
  void forget(Node<H> node) {
    byHandle.remove(node.handle, node);
    detach(node);
    retireChildren(node);
    watchedCount.accept(byHandle.size());
  }

  void retireChildren(Node<H> node) {
    for (Node<H> child : List.copyOf(node.children.values())) {
      retire(child);
    }
  }

  /** Retires the watched subdirectories of {@code node} that a listing did not find. */
  void retireChildrenNotIn(Node<H> node, java.util.Collection<String> present) {
    for (Node<H> child : List.copyOf(node.children.values())) {
      if (!present.contains(child.name)) {
        retire(child);
      }
    }
  }

  /** Moves {@code node} (with the paths of its subtree) under {@code parent} as {@code name}. */
  void move(Node<H> node, Node<H> parent, String name) {
    Node<H> replaced = parent.children.get(name);
    if (replaced != null && replaced != node) {
      retire(replaced);
    }
    detach(node);
    node.parent = parent;
    node.name = name;
    parent.children.put(name, node);
    ArrayDeque<Node<H>> pending = new ArrayDeque<>();
    pending.add(node);
    for (Node<H> next = pending.poll(); next != null; next = pending.poll()) {
      Node<H> above = next.parent;
      next.relative = above == null ? "" : RootSpec.child(above.relative, next.name);
      pending.addAll(next.children.values());
    }
  }

  private void detach(Node<H> node) {
    Node<H> parent = node.parent;
    if (parent == null) {
      tops.remove(node.root.name(), node);
    } else {
      parent.children.remove(node.name, node);
    }
  }

  /** A watched directory. Its name and path change when it is moved. */
  static final class Node<H> {
    final RootSpec root;
    final H handle;
    @Nullable Node<H> parent;
    String name;
    String relative;
    final Map<String, Node<H>> children = new HashMap<>(4);

    private Node(RootSpec root, H handle, @Nullable Node<H> parent, String name) {
      this.root = root;
      this.handle = handle;
      this.parent = parent;
      this.name = name;
      this.relative = parent == null ? "" : RootSpec.child(parent.relative, name);
    }
  }
}
