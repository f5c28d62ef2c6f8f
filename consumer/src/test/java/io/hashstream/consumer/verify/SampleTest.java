package io.hashstream.consumer.verify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SampleTest {
  private static final int KEYS = 100_000;

  @Test
  void takesItsShareTheSameForASeedAndOtherwiseForAnother() {
    Set<String> first = taken(new Sample(10, 1));
    assertThat(first.size()).isBetween(KEYS / 10 - 500, KEYS / 10 + 500);
    assertThat(taken(new Sample(10, 1))).isEqualTo(first);
    Set<String> other = taken(new Sample(10, 2));
    Set<String> both = new HashSet<>(first);
    both.retainAll(other);
    // Independent samples of 10% share about 1% of the keys.
    assertThat(both.size()).isBetween(KEYS / 100 - 300, KEYS / 100 + 300);
    assertThat(taken(new Sample(100, 3))).hasSize(KEYS);
  }

  @Test
  void refusesAShareThatIsNotAPercentage() {
    assertThatThrownBy(() -> new Sample(0, 1)).hasMessageContaining("above 0 and at most 100");
    assertThatThrownBy(() -> new Sample(101, 1)).hasMessageContaining("above 0 and at most 100");
    assertThatThrownBy(() -> new Sample(Double.NaN, 1)).hasMessageContaining("above 0 and at most 100");
  }

  private static Set<String> taken(Sample sample) {
    Set<String> taken = new HashSet<>();
    for (int i = 0; i < KEYS; i++) {
      String key = "root/dir" + (i % 100) + "/file" + i;
      if (sample.includes(key)) {
        taken.add(key);
      }
    }
    return taken;
  }
}
