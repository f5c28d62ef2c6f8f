package io.hashstream.schemas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hashstream.schemas.avro.SourceEvent;
import java.nio.charset.StandardCharsets;
import java.util.stream.Stream;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class SourceHeadersTest {

  static Stream<Long> seeds() {
    return Stream.iterate(100L, s -> s + 1).limit(20);
  }

  @ParameterizedTest(name = "seed {0}")
  @MethodSource("seeds")
  void headersNameTheSourceEventAndReadBack(long seed) {
    SourceEvent source = new RandomRecords(seed).source();

    Headers headers = SourceHeaders.of(source);

    assertThat(SourceHeaders.read(headers)).contains(source);
    assertThat(new String(headers.lastHeader(SourceHeaders.OFFSET).value(), StandardCharsets.UTF_8))
        .isEqualTo(Long.toString(source.getOffset()));
    assertThat(new String(headers.lastHeader(SourceHeaders.EVENT_ID).value(), StandardCharsets.UTF_8))
        .isEqualTo(source.getEventId().toString());
  }

  @Test
  void writingTwiceKeepsOneHeaderOfEachName() {
    Headers headers = SourceHeaders.of(new RandomRecords(1).source());
    SourceEvent second = new RandomRecords(2).source();

    SourceHeaders.write(headers, second);

    assertThat(headers.toArray()).hasSize(4);
    assertThat(SourceHeaders.read(headers)).contains(second);
  }

  @Test
  void noSourceHeadersReadAsEmpty() {
    assertThat(SourceHeaders.read(new RecordHeaders())).isEmpty();
  }

  @Test
  void incompleteOrMalformedHeadersAreRefused() {
    Headers partial = new RecordHeaders();
    partial.add(SourceHeaders.TOPIC, "t".getBytes(StandardCharsets.UTF_8));
    assertThatThrownBy(() -> SourceHeaders.read(partial))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("incomplete source headers");

    Headers malformed = SourceHeaders.of(new RandomRecords(3).source());
    malformed.remove(SourceHeaders.PARTITION);
    malformed.add(SourceHeaders.PARTITION, "seven".getBytes(StandardCharsets.UTF_8));
    assertThatThrownBy(() -> SourceHeaders.read(malformed))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("malformed source headers");
  }
}
