package io.hashstream.producer.internal.source;

import java.util.Map;
import java.util.Optional;

/**
 * The file systems whose changes made elsewhere raise no local event: network and cluster file
 * systems, and FUSE (whose daemon may serve anything), by their {@code statfs} type ({@code
 * f_type}, the kernel's {@code *_SUPER_MAGIC}).
 */
final class NetworkFileSystems {
  private static final Map<Long, String> NAMES =
      Map.ofEntries(
          Map.entry(0x6969L, "nfs"),
          Map.entry(0x517BL, "smb"),
          Map.entry(0xFF534D42L, "cifs"),
          Map.entry(0xFE534D42L, "smb2"),
          Map.entry(0x65735546L, "fuse"),
          Map.entry(0x00C36400L, "ceph"),
          Map.entry(0x5346414FL, "afs"),
          Map.entry(0x6B414653L, "kafs"),
          Map.entry(0x73757245L, "coda"),
          Map.entry(0x01021997L, "9p"),
          Map.entry(0x564CL, "ncp"),
          Map.entry(0x01161970L, "gfs2"),
          Map.entry(0x7461636FL, "ocfs2"),
          Map.entry(0x0BD00BD0L, "lustre"),
          Map.entry(0x47504653L, "gpfs"));

  private NetworkFileSystems() {}

  /** The name of the network file system of type {@code type}; empty for a local one. */
  static Optional<String> named(long type) {
    return Optional.ofNullable(NAMES.get(type));
  }
}
