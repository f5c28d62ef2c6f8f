package io.hashstream.nativeio;

import org.jspecify.annotations.Nullable;

/**
 * A file as one {@code lstat} saw it.
 *
 * @param kind what is at the path
 * @param size its size in bytes
 * @param modified its modification time, at the precision the OS gives
 * @param changed its status change time ({@code ctime}); null where the OS gives none
 * @param identity device and inode where the OS gives them
 */
public record FileState(
    FileKind kind, long size, StatTime modified, @Nullable StatTime changed, @Nullable Identity identity) {

  /** Device and inode: two states with different identities are different files. */
  public record Identity(long device, long inode) {}

  /** Whether {@code other} is the same file with the same content as far as stat can tell. */
  public boolean sameAs(FileState other) {
    return kind == other.kind
        && size == other.size
        && modified.equals(other.modified)
        && java.util.Objects.equals(changed, other.changed)
        && java.util.Objects.equals(identity, other.identity);
  }
}
