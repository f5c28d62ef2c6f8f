package io.hashstream.consumer.verify;

import io.hashstream.schemas.avro.FileIdentity;
import io.hashstream.schemas.avro.FileType;
import io.hashstream.schemas.avro.HashResult;
import io.hashstream.schemas.avro.HashStatus;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.HexFormat;
import org.jspecify.annotations.Nullable;

/**
 * The part of a key's latest result that verify compares, instead of the decoded record.
 *
 * @param digest lowercase hex
 */
record TableEntry(
    HashStatus status,
    @Nullable FileType fileType,
    @Nullable String digest,
    @Nullable Long size,
    @Nullable Instant modified,
    @Nullable Instant changed,
    @Nullable Long inode,
    Instant hashedAt) {

  static TableEntry of(HashResult result) {
    ByteBuffer digest = result.getDigest();
    String hex = null;
    if (digest != null) {
      byte[] bytes = new byte[digest.remaining()];
      digest.duplicate().get(bytes);
      hex = HexFormat.of().formatHex(bytes);
    }
    FileIdentity identity = result.getFileIdentity();
    return new TableEntry(
        result.getStatus(),
        result.getFileType(),
        hex,
        result.getSize(),
        result.getModified(),
        result.getStatusChanged(),
        identity == null ? null : identity.getInode(),
        result.getHashedAt());
  }
}
