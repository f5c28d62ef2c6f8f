package io.hashstream.consumer.verify;

/** What verify concluded about one path. */
public enum Verdict {
  /** Its metadata matches its entry and its content hashes to the entry's digest. */
  VERIFIED("verified"),
  /**
   * Same size, modification and status change time and inode as its entry, a different digest:
   * bit rot, or a change by someone who could also set the clock. The entry holds the good
   * content's digest: verify never replaces it.
   */
  DRIFT("drift"),
  /** Its metadata differs from its entry: the pipeline has not caught up, or lost a change. */
  TABLE_BEHIND("tableBehind"),
  /** A regular file of the tree that has no entry. */
  MISSING_FROM_TABLE("missingFromTable"),
  /** An entry whose file is gone from the tree. */
  GONE_FROM_TREE("goneFromTree"),
  /**
   * An entry that cannot be judged: it holds no digest (UNSTABLE, UNREADABLE), it has no status
   * change time, its times are at another precision than this host's, or it was hashed within one
   * timestamp tick of its modification. Never reported as drift.
   */
  UNCERTAIN("uncertain"),
  /** Its metadata matches; left out of the sample ({@code --sample}), so not read. */
  NOT_SAMPLED("notSampled");

  private final String jsonName;

  Verdict(String jsonName) {
    this.jsonName = jsonName;
  }

  /** The name in JSON lines and the summary. */
  public String jsonName() {
    return jsonName;
  }

  /** Whether it says the table is not true of the tree: exit status 3. */
  public boolean tableUntrue() {
    return switch (this) {
      case DRIFT, TABLE_BEHIND, MISSING_FROM_TABLE, GONE_FROM_TREE -> true;
      case VERIFIED, UNCERTAIN, NOT_SAMPLED -> false;
    };
  }
}
