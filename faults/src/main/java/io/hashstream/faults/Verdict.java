package io.hashstream.faults;

import java.util.List;

/**
 * What the oracle found.
 *
 * @param results committed records read
 * @param wrong files of the tree whose latest record is missing or not their digest, plus keys that
 *     read as existing for files that are gone
 * @param duplicates events answered twice
 * @param outOfOrder records of a key older than the one before them
 * @param lies records that said something else than the digest of a file unchanged throughout
 * @param wrongSamples a few of the wrong keys
 * @param violationSamples a few of the duplicates, reorderings and lies
 */
record Verdict(
    long results,
    long wrong,
    long duplicates,
    long outOfOrder,
    long lies,
    List<String> wrongSamples,
    List<String> violationSamples) {

  boolean tableTrue() {
    return wrong == 0;
  }
}
