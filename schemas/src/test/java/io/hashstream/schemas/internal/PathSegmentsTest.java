package io.hashstream.schemas.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PathSegmentsTest {

  @Test
  void encodesEverythingButUnreservedCharacters() {
    assertThat(PathSegments.encode("hashstream.events-value")).isEqualTo("hashstream.events-value");
    assertThat(PathSegments.encode("a b/c?d")).isEqualTo("a%20b%2Fc%3Fd");
    assertThat(PathSegments.encode("é")).isEqualTo("%C3%A9");
  }
}
