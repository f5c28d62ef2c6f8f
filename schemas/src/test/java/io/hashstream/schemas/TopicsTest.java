package io.hashstream.schemas;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TopicsTest {

  @Test
  void topicNamesAndSubjectsAreTheContract() {
    assertThat(Topics.EVENTS).isEqualTo("hashstream.events");
    assertThat(Topics.HASHES).isEqualTo("hashstream.hashes");
    assertThat(Topics.EVENTS_DLQ).isEqualTo("hashstream.events.dlq");
    assertThat(Topics.valueSubject(Topics.EVENTS)).isEqualTo("hashstream.events-value");
    assertThat(Topics.valueSubject(Topics.HASHES)).isEqualTo("hashstream.hashes-value");
    assertThat(Topics.keySubject(Topics.HASHES)).isEqualTo("hashstream.hashes-key");
  }
}
