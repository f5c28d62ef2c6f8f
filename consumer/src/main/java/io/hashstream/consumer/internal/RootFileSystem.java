package io.hashstream.consumer.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Set;

/**
 * The file system a root is on, as far as it matters to hashing: whether this host's view of it
 * can lag the producer's. A network or cluster file system (NFS, SMB, FUSE, Ceph, GFS2, virtiofs…)
 * caches attributes and directory entries, so a file the producer's host saw can show up here a
 * moment later, and waiting for it is worth it. A local one shows the producer what this host
 * sees: there a file not visible was renamed or deleted since its event (whose newer event
 * follows), and waiting would only stall the hashing threads, a whole burst of directory renames
 * long. A type not known to be local is treated as one that can lag.
 *
 * @param type the type the mount table gives ({@code ext4}, {@code nfs4}, {@code fuse.sshfs})
 */
record RootFileSystem(String type, boolean viewMayLag) {
  private static final Set<String> LOCAL =
      Set.of(
          "ext2", "ext3", "ext4", "xfs", "btrfs", "bcachefs", "f2fs", "jfs", "reiserfs", "zfs", "tmpfs",
          "ramfs", "overlay", "squashfs", "vfat", "msdos", "exfat", "ntfs", "ntfs3",
          "hfs", "hfsplus", "apfs", "ufs", "refs");

  /** The file system of {@code directory}; one whose type cannot be read is taken as one that can lag. */
  static RootFileSystem of(Path directory) {
    String type;
    try {
      type = Files.getFileStore(directory).type();
    } catch (IOException e) {
      return new RootFileSystem("unknown (" + e.getMessage() + ")", true);
    }
    return new RootFileSystem(type, !LOCAL.contains(type.toLowerCase(Locale.ROOT)));
  }

  /** For the start-up log. */
  String describe() {
    return viewMayLag
        ? type + ": a file this host does not see yet is waited for, up to 4 s"
        : type + ", a local file system: a file not visible was renamed or deleted since its event, and is not waited for";
  }
}
