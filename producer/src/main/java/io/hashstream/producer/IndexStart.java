package io.hashstream.producer;

import java.time.Duration;

/**
 * Where a producer's starting index came from, and what it cost.
 *
 * @param fromStateDirectory the index saved in the state directory, brought up to date with the
 *     hash table's records since it was saved; false if the whole table was read (no state
 *     directory, no index in it yet, or one that could not be used)
 * @param tableRecordsRead the hash table's records read for it, of every producer's roots
 * @param files the files of this producer's roots in it
 * @param took how long building it took, from connecting to Kafka
 */
public record IndexStart(boolean fromStateDirectory, long tableRecordsRead, long files, Duration took) {}
