package io.hashstream.consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class HashAlgorithmTest {
  private static final String KNOWN =
      "SHA-256, SHA-224, SHA-384, SHA-512, SHA-512/224, SHA-512/256, SHA3-224, SHA3-256, SHA3-384,"
          + " SHA3-512, SHA-1, MD5, BLAKE3, XXH3";

  @Test
  void anUnknownNameIsRefusedWithTheKnownOnes() {
    assertThatThrownBy(() -> HashAlgorithm.parseList("SHA-256,BLAKE2b"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("unknown digest algorithm 'BLAKE2b'; known: " + KNOWN);
    assertThat(HashAlgorithm.knownNames()).isEqualTo(KNOWN);
  }

  @Test
  void sha256IsFirstWhetherNamedOrNot() {
    assertThat(HashAlgorithm.parseList("SHA-256"))
        .containsExactly(HashAlgorithm.SHA_256);
    assertThat(HashAlgorithm.parseList("blake3, xxh3"))
        .containsExactly(HashAlgorithm.SHA_256, HashAlgorithm.BLAKE3, HashAlgorithm.XXH3);
    assertThat(HashAlgorithm.parseList("SHA-256,SHA-512/256,sha3-256,MD5"))
        .containsExactly(
            HashAlgorithm.SHA_256, HashAlgorithm.SHA_512_256, HashAlgorithm.SHA3_256, HashAlgorithm.MD5);
    assertThatThrownBy(() -> HashAlgorithm.parseList("BLAKE3,SHA-256"))
        .hasMessage(
            "SHA-256 is always the first digest algorithm (results' algorithm and digest are its),"
                + " not BLAKE3");
  }

  @Test
  void aNameTwiceOrAnEmptyNameIsRefused() {
    assertThatThrownBy(() -> HashAlgorithm.parseList("SHA-256,BLAKE3,blake3"))
        .hasMessage("the digest algorithm BLAKE3 is named twice");
    assertThatThrownBy(() -> HashAlgorithm.parseList("SHA-256,,XXH3"))
        .hasMessage("an empty name in the digest algorithms 'SHA-256,,XXH3'");
  }

  @Test
  void theSettingsHashWithSha256AloneUnlessToldAndRefuseAnotherFirst() {
    ConsumerSettings settings =
        ConsumerSettings.of("localhost:9092", "http://localhost:8081", "i", Map.of("r", Path.of("/tmp")));
    assertThat(settings.algorithms()).containsExactly(HashAlgorithm.SHA_256);
    assertThat(settings.withAlgorithms(HashAlgorithm.parseList("XXH3")).algorithms())
        .containsExactly(HashAlgorithm.SHA_256, HashAlgorithm.XXH3);
    assertThat(settings.withAlgorithms(HashAlgorithm.parseList("XXH3")).withGroup("g").algorithms())
        .containsExactly(HashAlgorithm.SHA_256, HashAlgorithm.XXH3);
    assertThatThrownBy(() -> settings.withAlgorithms(List.of(HashAlgorithm.BLAKE3)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("SHA-256 is always the first");
    assertThatThrownBy(() -> settings.withAlgorithms(List.of()))
        .hasMessageContaining("not none");
  }

  @Test
  void theTamperEvidentOnesAreSha2Sha3AndBlake3() {
    assertThat(List.of(HashAlgorithm.values()))
        .filteredOn(a -> !a.tamperEvident())
        .containsExactlyInAnyOrder(HashAlgorithm.SHA_1, HashAlgorithm.MD5, HashAlgorithm.XXH3);
  }
}
