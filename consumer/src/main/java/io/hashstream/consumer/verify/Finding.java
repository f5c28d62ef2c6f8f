package io.hashstream.consumer.verify;

import org.jspecify.annotations.Nullable;

/**
 * What verify found at one path.
 *
 * @param key the table's key, {@code <root>/<path>}
 * @param detail why, in words (null for a verified file)
 * @param tableDigest the entry's digest in lowercase hex, where it has one
 * @param digest the digest of the content now in lowercase hex, where verify read it
 */
public record Finding(
    Verdict verdict,
    String root,
    String path,
    String key,
    @Nullable String detail,
    @Nullable String tableDigest,
    @Nullable String digest) {}
