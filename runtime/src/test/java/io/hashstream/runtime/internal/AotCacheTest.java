package io.hashstream.runtime.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AotCacheTest {
  @TempDir Path directory;

  @Test
  void trainsFirstThenUsesTheCacheATrainingRunLeft() throws Exception {
    AotCache cache = new AotCache(directory);
    AotCache.Plan first = cache.plan("kafka", List.of("cp-1"));
    assertThat(first).isInstanceOf(AotCache.Plan.Train.class);
    AotCache.Plan.Train train = (AotCache.Plan.Train) first;
    assertThat(train.jvmFlags()).containsExactly("-XX:AOTCacheOutput=" + train.output());

    Files.writeString(train.output(), "cache");
    cache.finish(first, true);

    AotCache.Plan second = cache.plan("kafka", List.of("cp-1"));
    assertThat(second).isEqualTo(new AotCache.Plan.Use(train.cache()));
    assertThat(second.jvmFlags()).containsExactly("-XX:AOTCache=" + train.cache());
  }

  @Test
  void discardsWhatAKilledTrainingRunWrote() throws Exception {
    AotCache cache = new AotCache(directory);
    AotCache.Plan.Train train = (AotCache.Plan.Train) cache.plan("registry", List.of("jar"));
    Files.writeString(train.output(), "half a cache");
    cache.finish(train, false);
    assertThat(train.output()).doesNotExist();
    assertThat(train.cache()).doesNotExist();
    assertThat(cache.plan("registry", List.of("jar"))).isInstanceOf(AotCache.Plan.Train.class);
  }

  @Test
  void aChangedClassPathTrainsANewCacheAndDropsTheOldOne() throws Exception {
    AotCache cache = new AotCache(directory);
    AotCache.Plan.Train old = (AotCache.Plan.Train) cache.plan("kafka", List.of("cp-1"));
    Files.writeString(old.output(), "cache");
    cache.finish(old, true);

    AotCache.Plan changed = cache.plan("kafka", List.of("cp-2"));
    assertThat(changed).isInstanceOf(AotCache.Plan.Train.class);
    assertThat(old.cache()).doesNotExist();
  }
}
