package io.hashstream.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.hashstream.schemas.avro.HashResult;
import io.hashstream.schemas.avro.HashStatus;
import io.hashstream.schemas.avro.NamedDigest;
import io.hashstream.schemas.avro.SourceEvent;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class HashResultJsonTest {
  private static final UUID EVENT = UUID.fromString("2015c630-b0de-45d2-bb20-94d36b5b812b");

  @Test
  void furtherDigestsArePrintedInOrderAsHexAndNoneWithoutThem() {
    HashResult.Builder result =
        HashResult.newBuilder()
            .setRoot("demo")
            .setPath("a.txt")
            .setStatus(HashStatus.HASHED)
            .setAlgorithm("SHA-256")
            .setDigest(ByteBuffer.wrap(new byte[] {(byte) 0xab, 0x01}))
            .setSource(new SourceEvent(EVENT, "hashstream.events", 3, 7L))
            .setConsumerId("up-1")
            .setHashedAt(Instant.parse("2026-12-03T18:30:15.324331Z"));
    assertThat(HashResultJson.line("demo/a.txt", result.build())).doesNotContain("digests");

    result.setDigests(
        List.of(
            new NamedDigest("SHA-256", ByteBuffer.wrap(new byte[] {(byte) 0xab, 0x01})),
            new NamedDigest("XXH3", ByteBuffer.wrap(new byte[] {0x00, (byte) 0xff}))));
    assertThat(HashResultJson.line("demo/a.txt", result.build()))
        .contains(
            "\"digest\":\"ab01\",\"digests\":[{\"algorithm\":\"SHA-256\",\"digest\":\"ab01\"},"
                + "{\"algorithm\":\"XXH3\",\"digest\":\"00ff\"}]");
  }
}
