package io.hashstream.consumer.verify;

import io.hashstream.consumer.internal.FileHashing;
import io.hashstream.nativeio.FileState;
import io.hashstream.nativeio.FileStats;
import io.hashstream.consumer.internal.HashOutcome;
import io.hashstream.nativeio.FileOpener;
import java.io.IOException;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.Optional;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;

/**
 * Judges one entry against its file: by metadata first ({@link EntryJudge}), then, where the
 * metadata matches and the caller wants it read, by the digest of a fresh read. Owns its opener,
 * read buffer and digest: one thread.
 */
final class FileCheck implements AutoCloseable {
  private static final HexFormat HEX = HexFormat.of();

  /** What the check came to. */
  record Checked(Verdict verdict, @Nullable String detail, @Nullable String digest) {}

  private final FileHashing hashing;
  private long filesRead;

  FileCheck(ByteBudget budget) {
    this.hashing = new FileHashing(FileOpener.forThisPlatform(), budget);
  }

  /**
   * @param file the path of the entry's file as this host sees it
   * @param relativePath the same path relative to {@code root}, as the table has it
   * @param read whether to read a file whose metadata matches; if not, it is {@code NOT_SAMPLED}
   */
  Checked check(FileHashing.RootView root, Path file, String relativePath, TableEntry entry, Predicate<TableEntry> read)
      throws IOException, InterruptedException {
    Optional<FileState> now = FileStats.lstat(file);
    return switch (EntryJudge.judge(entry, now)) {
      case Judgement.Gone _ -> new Checked(Verdict.GONE_FROM_TREE, "in the table, not in the tree", null);
      case Judgement.Behind behind -> new Checked(Verdict.TABLE_BEHIND, behind.reason(), null);
      case Judgement.NoDigest none -> new Checked(Verdict.UNCERTAIN, none.reason(), null);
      case Judgement.NotAFile _ -> new Checked(Verdict.VERIFIED, null, null);
      case Judgement.WorthReading worth ->
          read.test(entry)
              ? read(root, relativePath, entry, now.orElseThrow(), worth.doubt())
              : new Checked(Verdict.NOT_SAMPLED, null, null);
    };
  }

  private Checked read(FileHashing.RootView root, String path, TableEntry entry, FileState before, @Nullable String doubt)
      throws InterruptedException {
    filesRead++;
    HashOutcome outcome =
        hashing.hash(
            root, path, new FileHashing.Expected(entry.size(), entry.modified(), entry.changed()), FileHashing.Patience.NONE);
    return switch (outcome) {
      case HashOutcome.Hashed hashed -> {
        String digest = HEX.formatHex(hashed.digest());
        if (!hashed.state().sameAs(before)) {
          yield new Checked(Verdict.TABLE_BEHIND, "changed while verify read it", digest);
        } else if (digest.equals(entry.digest())) {
          yield new Checked(Verdict.VERIFIED, null, digest);
        } else if (doubt != null) {
          yield new Checked(Verdict.UNCERTAIN, "its digest differs, but " + doubt, digest);
        } else {
          yield new Checked(
              Verdict.DRIFT,
              "same size, times and inode as its entry, different content: bit rot, or a change by someone who"
                  + " could also set the clock",
              digest);
        }
      }
      case HashOutcome.Gone _, HashOutcome.NotVisible _ ->
          new Checked(Verdict.GONE_FROM_TREE, "removed while verify ran", null);
      case HashOutcome.NotRegular _ -> new Checked(Verdict.TABLE_BEHIND, "no longer a regular file", null);
      case HashOutcome.Unstable unstable -> new Checked(Verdict.UNCERTAIN, unstable.reason(), null);
      case HashOutcome.Unreadable unreadable -> new Checked(Verdict.UNCERTAIN, "cannot be read: " + unreadable.reason(), null);
      case HashOutcome.Refused refused -> new Checked(Verdict.UNCERTAIN, refused.reason(), null);
    };
  }

  long filesRead() {
    return filesRead;
  }

  @Override
  public void close() {
    hashing.close();
  }
}
