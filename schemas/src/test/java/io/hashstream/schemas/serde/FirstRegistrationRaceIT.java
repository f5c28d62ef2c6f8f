package io.hashstream.schemas.serde;

import static org.assertj.core.api.Assertions.assertThat;

import io.hashstream.schemas.avro.HashResult;
import io.hashstream.testsupport.SharedRuntime;
import io.hashstream.testsupport.TestCluster;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Instances started together (consumers scaled out on a fresh cluster) prepare the same new subject
 * at once: each must come out with the one schema id, none with the registry's 409 for the
 * compatibility rule another one set a moment earlier.
 */
@ExtendWith(SharedRuntime.class)
class FirstRegistrationRaceIT {
  private static final int INSTANCES = 4;

  @RepeatedTest(3)
  void serializersPreparingANewSubjectAtOnceAllSucceed(TestCluster runtime) throws Exception {
    String topic = Fixtures.topic("race");
    List<AvroSerializer<HashResult>> serializers = new ArrayList<>();
    for (int i = 0; i < INSTANCES; i++) {
      AvroSerializer<HashResult> serializer = new AvroSerializer<>();
      serializer.configure(Fixtures.serdeConfig(runtime), false);
      serializers.add(serializer);
    }
    CountDownLatch start = new CountDownLatch(1);
    ExecutorService pool = Executors.newFixedThreadPool(INSTANCES);
    try {
      List<Future<Integer>> ids = new ArrayList<>();
      for (AvroSerializer<HashResult> serializer : serializers) {
        ids.add(
            pool.submit(
                () -> {
                  start.await();
                  return serializer.prepare(topic, HashResult.getClassSchema());
                }));
      }
      start.countDown();
      Set<Integer> distinct = new HashSet<>();
      for (Future<Integer> id : ids) {
        distinct.add(id.get(60, TimeUnit.SECONDS));
      }
      assertThat(distinct).hasSize(1);
      assertThat(Fixtures.get(runtime, "/config/" + topic + "-value").path("compatibilityLevel").asText())
          .isEqualTo(AvroSerializer.DEFAULT_COMPATIBILITY);
    } finally {
      pool.shutdownNow();
      serializers.forEach(AvroSerializer::close);
    }
  }
}
