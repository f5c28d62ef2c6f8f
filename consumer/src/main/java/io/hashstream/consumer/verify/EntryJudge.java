package io.hashstream.consumer.verify;

import io.hashstream.nativeio.FileKind;
import io.hashstream.nativeio.FileState;
import io.hashstream.nativeio.StatTime;
import io.hashstream.schemas.avro.FileType;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * Holds an entry against the file's metadata now. A different size, inode, modification or status
 * change time says the table is behind; a status change time is what a restored modification time
 * cannot hide, since no one sets it back without setting the clock.
 *
 * <p>Some entries cannot prove drift, and are read but never reported as drift: one without a
 * status change time; one whose times are at another precision than this host shows (a network
 * file system, a consumer elsewhere); and one hashed within one timestamp tick of its
 * modification, since a write in that same tick leaves the times as they were.
 */
final class EntryJudge {
  /** The coarsest clock tick file times have on Linux with a fine-grained file system (HZ=100). */
  static final Duration FINE_TICK = Duration.ofMillis(10);
  /** Whole-second times (ext3, NFSv2, some FUSE file systems) and FAT's two seconds. */
  static final Duration COARSE_TICK = Duration.ofSeconds(2);

  private EntryJudge() {}

  private enum Times {
    SAME,
    OTHER_PRECISION,
    DIFFERENT
  }

  static Judgement judge(TableEntry entry, Optional<FileState> current) {
    if (current.isEmpty()) {
      return new Judgement.Gone();
    }
    FileState now = current.get();
    return switch (entry.status()) {
      case HASHED -> hashed(entry, now);
      case NOT_REGULAR_FILE -> notRegular(entry, now);
      case UNSTABLE, UNREADABLE, UNKNOWN ->
          now.kind() == FileKind.REGULAR
              ? new Judgement.NoDigest("the table holds no digest: " + entry.status())
              : new Judgement.Behind("the table says " + entry.status() + " of a file, the path is a " + kindName(now.kind()));
    };
  }

  private static Judgement notRegular(TableEntry entry, FileState now) {
    FileType type = entry.fileType();
    if (now.kind() == FileKind.REGULAR) {
      return new Judgement.Behind("the table says not a regular file (" + type + "), the path is a regular file");
    }
    if (type == null || type.name().equals(now.kind().name())) {
      return new Judgement.NotAFile();
    }
    return new Judgement.Behind("the table says " + type + ", the path is a " + kindName(now.kind()));
  }

  private static Judgement hashed(TableEntry entry, FileState now) {
    if (now.kind() != FileKind.REGULAR) {
      return new Judgement.Behind("the table has a digest, the path is a " + kindName(now.kind()));
    }
    Long size = entry.size();
    if (size == null || size != now.size()) {
      return new Judgement.Behind("size " + size + " in the table, " + now.size() + " now");
    }
    Long inode = entry.inode();
    FileState.Identity identity = now.identity();
    if (inode != null && identity != null && inode != identity.inode()) {
      return new Judgement.Behind("another file now (inode " + inode + " in the table, " + identity.inode() + " now)");
    }
    Instant modified = entry.modified();
    Times modification = modified == null ? Times.OTHER_PRECISION : compare(StatTime.of(modified), now.modified());
    if (modification == Times.DIFFERENT) {
      return new Judgement.Behind("modified " + modified + " in the table, " + now.modified() + " now");
    }
    Instant changed = entry.changed();
    StatTime changedNow = now.changed();
    if (changed != null && changedNow != null) {
      Times change = compare(StatTime.of(changed), changedNow);
      if (change == Times.DIFFERENT) {
        return new Judgement.Behind(
            "status changed " + changed + " in the table, " + changedNow + " now: changed since it was hashed,"
                + " its modification time perhaps put back");
      }
      if (change == Times.OTHER_PRECISION) {
        return new Judgement.WorthReading("the table's times are at another precision than this host's");
      }
    } else {
      return new Judgement.WorthReading(
          changed == null ? "the table has no status change time" : "this host shows no status change time");
    }
    if (modification == Times.OTHER_PRECISION) {
      return new Judgement.WorthReading(
          modified == null ? "the table has no modification time" : "the table's times are at another precision than this host's");
    }
    Duration tick = now.modified().nanos() == 0 ? COARSE_TICK : FINE_TICK;
    if (Duration.between(modified, entry.hashedAt()).compareTo(tick) < 0) {
      return new Judgement.WorthReading(
          "hashed within one timestamp tick (" + tick.toMillis() + " ms) of its modification: a write in that tick"
              + " would not show in its times");
    }
    return new Judgement.WorthReading(null);
  }

  /** Equal, equal at the coarser of the two precisions (microseconds or seconds), or different. */
  private static Times compare(StatTime table, StatTime now) {
    if (table.equals(now)) {
      return Times.SAME;
    }
    if (table.seconds() == now.seconds()
        && (table.nanos() == 0
            || now.nanos() == 0
            || table.equals(now.truncatedToMicros())
            || now.equals(table.truncatedToMicros()))) {
      return Times.OTHER_PRECISION;
    }
    return Times.DIFFERENT;
  }

  private static String kindName(FileKind kind) {
    return kind.name().toLowerCase(java.util.Locale.ROOT).replace('_', ' ');
  }
}
