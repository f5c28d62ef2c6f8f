/**
 * The tools of {@code bench/e2e}, the benchmark of the whole pipeline against what a user would
 * pick instead (issue #10). The script runs the real processes ({@code hashstream local},
 * {@code producer}, {@code consumer}) and the reference tools; these classes do what needs a JVM
 * of its own: create the trees, hash them in-process ({@link io.hashstream.bench.e2e.WalkHash}),
 * create topics and wait for a consumer group ({@link io.hashstream.bench.e2e.KafkaTools}), see
 * when the last result of a run is committed ({@link io.hashstream.bench.e2e.CommitWatch}), drive
 * the producer's publisher and index with synthetic changes ({@link
 * io.hashstream.bench.e2e.PublishBench}, {@link io.hashstream.bench.e2e.IndexHeap}), time single
 * writes to their committed result ({@link io.hashstream.bench.e2e.LatencyBench}) and write the
 * results section of BENCHMARKS.md ({@link io.hashstream.bench.e2e.E2eReport}).
 *
 * <p>Every tool is started by {@link io.hashstream.bench.e2e.E2e}, prints its figures on stdout as
 * {@code key=value} lines (the script collects them in {@code results.properties}) and its
 * progress on stderr. Threads: each tool's main thread owns its Kafka clients; {@code WalkHash}'s
 * workers each own a digest and a buffer; {@code LatencyBench}'s two reader threads (the hash
 * topic, {@code inotifywait}'s output) each own their source and only complete futures.
 */
@NullMarked
package io.hashstream.bench.e2e;

import org.jspecify.annotations.NullMarked;
