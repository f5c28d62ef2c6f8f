package io.hashstream.producer.internal;

/**
 * A path under a root: the key of the coalescing set.
 *
 * @param root the root's name
 * @param path the path relative to the root, with {@code /} separators
 */
public record PathRef(String root, String path) {
  /** The record key: {@code <root>/<path>}. */
  public String key() {
    return root + "/" + path;
  }
}
