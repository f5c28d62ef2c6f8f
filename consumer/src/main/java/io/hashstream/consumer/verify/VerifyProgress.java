package io.hashstream.consumer.verify;

/**
 * How far a run is, at most once a second.
 *
 * @param root the root being walked
 * @param paths paths judged so far, every root
 * @param entries the table's entries for the roots
 * @param bytesRead bytes read so far
 */
public record VerifyProgress(String root, long paths, long entries, long bytesRead) {}
