package io.hashstream.consumer.internal;

import io.hashstream.consumer.HashAlgorithm;

/** One algorithm's digest of a file. The array is handed over, not shared. */
@SuppressWarnings("ArrayRecordComponent") // a value passed once from hasher to record, never compared
public record Digest(HashAlgorithm algorithm, byte[] value) {}
