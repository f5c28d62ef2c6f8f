package io.hashstream.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.infra.IterationParams;
import org.openjdk.jmh.profile.InternalProfiler;
import org.openjdk.jmh.results.AggregationPolicy;
import org.openjdk.jmh.results.IterationResult;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.ScalarResult;

/**
 * CPU time per operation of JMH's worker threads, for throughput per core on a shared machine:
 * {@code -prof io.hashstream.bench.ThreadCpuProfiler}.
 *
 * <p>Before and after each iteration it reads the CPU time (user + system, {@link
 * ThreadMXBean#getThreadCpuTime}) of every thread named {@code <benchmark>-jmh-worker-N}, and
 * divides the difference by the operations the workers ran in that iteration (all of them, not only
 * the measured ones: the CPU time spans the whole iteration). A thread that waits for a core spends
 * no CPU time, so a busy machine slows the wall-clock score but hardly this one. It adds no call
 * inside the measured loop. Two secondary results per iteration:
 *
 * <ul>
 *   <li>{@code cpu.ns/op}: CPU nanoseconds of the workers per operation;
 *   <li>{@code cpu.util}: the workers' CPU time over the iteration's wall time per worker (1.0: the
 *       worker had a core all the time; less: it waited for one, or slept in I/O).
 * </ul>
 */
public final class ThreadCpuProfiler implements InternalProfiler {
  private static final String WORKER = "-jmh-worker-";

  private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
  private final Map<Long, Long> before = new HashMap<>();
  private long wallBefore;

  public ThreadCpuProfiler() {
    if (!threads.isThreadCpuTimeSupported()) {
      throw new IllegalStateException("this JVM cannot measure the CPU time of a thread");
    }
    threads.setThreadCpuTimeEnabled(true);
  }

  @Override
  public String getDescription() {
    return "CPU time of the JMH worker threads per operation (ThreadMXBean.getThreadCpuTime)";
  }

  @Override
  public void beforeIteration(BenchmarkParams benchmarkParams, IterationParams iterationParams) {
    before.clear();
    before.putAll(workerCpuTimes());
    wallBefore = System.nanoTime();
  }

  @Override
  public List<? extends Result<?>> afterIteration(
      BenchmarkParams benchmarkParams, IterationParams iterationParams, IterationResult result) {
    long wall = System.nanoTime() - wallBefore;
    long cpu = 0;
    for (Map.Entry<Long, Long> worker : workerCpuTimes().entrySet()) {
      // A worker started during the iteration (the pool starts lazily) ran all its time in it.
      cpu += worker.getValue() - before.getOrDefault(worker.getKey(), 0L);
    }
    long ops = result.getMetadata().getAllOps();
    int workers = benchmarkParams.getThreads();
    return List.of(
        new ScalarResult(
            "cpu.ns/op",
            ops == 0 ? Double.NaN : (double) cpu / ops,
            "ns/op",
            AggregationPolicy.AVG),
        new ScalarResult(
            "cpu.util", (double) cpu / ((double) wall * workers), "ratio", AggregationPolicy.AVG));
  }

  private Map<Long, Long> workerCpuTimes() {
    Map<Long, Long> times = new HashMap<>();
    for (ThreadInfo info : threads.getThreadInfo(threads.getAllThreadIds())) {
      if (info != null && info.getThreadName().contains(WORKER)) {
        long time = threads.getThreadCpuTime(info.getThreadId());
        if (time >= 0) {
          times.put(info.getThreadId(), time);
        }
      }
    }
    return times;
  }
}
