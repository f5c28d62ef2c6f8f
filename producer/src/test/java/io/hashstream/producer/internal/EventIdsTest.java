package io.hashstream.producer.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class EventIdsTest {
  @Test
  void everyIdIsARandomVersion4UuidAndNoneRepeats() {
    EventIds first = new EventIds();
    EventIds second = new EventIds();
    Set<UUID> seen = new HashSet<>();
    for (int i = 0; i < 100_000; i++) {
      for (UUID id : new UUID[] {first.next(), second.next()}) {
        assertThat(id.version()).isEqualTo(4);
        assertThat(id.variant()).isEqualTo(2);
        assertThat(seen.add(id)).as("a repeated id: %s", id).isTrue();
        // What the schema's logical type carries is the text form: it must read back the same.
        assertThat(UUID.fromString(id.toString())).isEqualTo(id);
      }
    }
  }
}
