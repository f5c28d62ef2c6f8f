/**
 * Benchmarks of the hashing kernel: the consumer's real hashing path ({@code FileHashing} with its
 * file openers) and the alternatives it chose between, on files in the page cache, with the CPU
 * time of the benchmark thread measured by {@link io.hashstream.bench.ThreadCpuProfiler}. Nothing
 * here is a test and nothing runs during the build: {@code bench/kernel} runs JMH, the reference
 * tools ({@code openssl}, {@code sha256sum}) and {@link io.hashstream.bench.Report}, and writes the
 * figures into BENCHMARKS.md and the profile's flame graphs ({@link
 * io.hashstream.bench.FlameGraphSvg}) into {@code bench/profiles}.
 *
 * <p>Threads: JMH runs every benchmark on one worker thread per fork ({@code @Threads(1)}), which
 * owns the benchmark's states (digests, buffers, openers, mappings); {@link
 * io.hashstream.bench.ThreadCpuProfiler} reads that thread's CPU time from JMH's control thread.
 */
@NullMarked
package io.hashstream.bench;

import org.jspecify.annotations.NullMarked;
