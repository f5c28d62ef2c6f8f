package io.hashstream.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hashstream.schemas.avro.FileIdentity;
import io.hashstream.schemas.avro.HashResult;
import io.hashstream.schemas.avro.NamedDigest;
import io.hashstream.schemas.avro.SourceEvent;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * One line of JSON per record of the hash topic, as {@code tail} and {@code up} print them: the Avro
 * field names, the digests as lowercase hex, times as ISO-8601, and a tombstone as the key with
 * {@code "deleted": true}.
 */
final class HashResultJson {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HexFormat HEX = HexFormat.of();

  private HashResultJson() {}

  static String line(String key, @Nullable HashResult result) {
    ObjectNode node = JSON.createObjectNode();
    node.put("key", key);
    if (result == null) {
      node.put("deleted", true);
      return node.toString();
    }
    node.put("root", result.getRoot());
    node.put("path", result.getPath());
    node.put("status", result.getStatus().name());
    if (result.getFileType() != null) {
      node.put("fileType", result.getFileType().name());
    }
    if (result.getReason() != null) {
      node.put("reason", result.getReason());
    }
    node.put("algorithm", result.getAlgorithm());
    ByteBuffer digest = result.getDigest();
    if (digest != null) {
      node.put("digest", hex(digest));
    }
    List<NamedDigest> digests = result.getDigests();
    if (digests != null) {
      ArrayNode array = node.putArray("digests");
      for (NamedDigest named : digests) {
        array.addObject().put("algorithm", named.getAlgorithm()).put("digest", hex(named.getDigest()));
      }
    }
    if (result.getSize() != null) {
      node.put("size", result.getSize());
    }
    putTime(node, "modified", result.getModified());
    FileIdentity identity = result.getFileIdentity();
    if (identity != null) {
      ObjectNode id = node.putObject("fileIdentity");
      id.put("device", identity.getDevice());
      id.put("inode", identity.getInode());
    }
    SourceEvent source = result.getSource();
    ObjectNode sourceNode = node.putObject("source");
    sourceNode.put("eventId", source.getEventId().toString());
    sourceNode.put("topic", source.getTopic());
    sourceNode.put("partition", source.getPartition());
    sourceNode.put("offset", source.getOffset());
    node.put("consumerId", result.getConsumerId());
    putTime(node, "hashedAt", result.getHashedAt());
    putTime(node, "statusChanged", result.getStatusChanged());
    return node.toString();
  }

  private static String hex(ByteBuffer digest) {
    byte[] bytes = new byte[digest.remaining()];
    digest.duplicate().get(bytes);
    return HEX.formatHex(bytes);
  }

  private static void putTime(ObjectNode node, String name, @Nullable Instant time) {
    if (time != null) {
      node.put(name, time.toString());
    }
  }
}
