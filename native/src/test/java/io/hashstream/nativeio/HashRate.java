package io.hashstream.nativeio;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.io.IOException;
import java.io.OutputStream;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * A timing harness (not a test, not JMH) that compares ways of hashing a file: the Java path
 * against the native opener, and the native read strategies the opener chose between. Run it as
 * {@code native/README.md} shows; it prints the median and best of several rounds per variant,
 * interleaved so a busy machine slows all of them alike.
 *
 * <p>Arguments: {@code [megabytes of the big file, default 256] [rounds, default 7] [small files,
 * default 20000]}.
 */
public final class HashRate {
  private static final int CHUNK = 64 * 1024;

  private HashRate() {}

  /** One way of hashing the big file: returns the digest. */
  private interface Variant {
    byte[] hash(Path file) throws Throwable;
  }

  public static void main(String[] args) throws Throwable {
    int megabytes = args.length > 0 ? Integer.parseInt(args[0]) : 256;
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 7;
    int smallFiles = args.length > 2 ? Integer.parseInt(args[2]) : 20_000;
    if (!LinuxSupport.available()) {
      System.out.println("the native opener is not available: " + LinuxSupport.unavailable().orElseThrow());
      return;
    }
    Path directory = Files.createTempDirectory("hashrate");
    try {
      Path big = directory.resolve("big");
      write(big, (long) megabytes << 20, 1);
      bigFile(directory, big, rounds);
      smallFiles(directory, smallFiles, rounds);
    } finally {
      try (var files = Files.walk(directory)) {
        for (Path path : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
          Files.delete(path);
        }
      }
    }
  }

  private static void bigFile(Path directory, Path big, int rounds) throws Throwable {
    MessageDigest digest = MessageDigest.getInstance("SHA-256");
    long size = Files.size(big);
    Map<String, Variant> variants = new LinkedHashMap<>();
    try (Arena arena = Arena.ofShared();
        RootDirectory root = RootDirectory.open(directory.toRealPath());
        FileOpener linux = FileOpener.linux().orElseThrow();
        FileOpener java = FileOpener.java()) {
      MemorySegment capture = LinuxCalls.newCaptureSegment(arena);
      MemorySegment native64 = arena.allocate(64 * 1024, 4096);
      MemorySegment native256 = arena.allocate(256 * 1024, 4096);
      MemorySegment native1m = arena.allocate(1024 * 1024, 4096);
      byte[] heap = new byte[CHUNK];
      ByteBuffer direct64 = native64.asByteBuffer();
      MethodHandle criticalPread = criticalPread();

      variants.put("java FileChannel.read 64K heap (Sha256Hasher today)", file -> {
        ByteBuffer wrapped = ByteBuffer.wrap(heap);
        digest.reset();
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
          while (true) {
            wrapped.clear();
            int read = channel.read(wrapped);
            if (read < 0) {
              return digest.digest();
            }
            digest.update(heap, 0, read);
          }
        }
      });
      variants.put("FileOpener.java() (checked Java path)", file -> viaOpener(java, root, digest));
      variants.put("FileOpener.linux() (openat2 + pread 256K + copy 64K)", file -> viaOpener(linux, root, digest));
      variants.put("pread 64K native + copy to 64K heap", file -> preadCopy(capture, file, native64, heap, digest));
      variants.put("pread 256K native + copy 64K pieces", file -> preadCopy(capture, file, native256, heap, digest));
      variants.put("pread 1M native + copy 64K pieces", file -> preadCopy(capture, file, native1m, heap, digest));
      variants.put("pread 64K native + update(direct ByteBuffer)", file -> {
        digest.reset();
        int fd = descriptorOf(file, capture);
        try {
          long position = 0;
          while (true) {
            long read = LinuxCalls.pread(capture, fd, native64, native64.byteSize(), position);
            if (read <= 0) {
              return digest.digest();
            }
            direct64.clear().limit((int) read);
            digest.update(direct64);
            position += read;
          }
        } finally {
          Downcalls.close(capture, fd);
        }
      });
      variants.put("pread 64K straight into heap (critical, GC held off)", file -> {
        digest.reset();
        MemorySegment heapSegment = MemorySegment.ofArray(heap);
        int fd = descriptorOf(file, capture);
        try {
          long position = 0;
          while (true) {
            long read = (long) criticalPread.invokeExact(fd, heapSegment, (long) heap.length, position);
            if (read <= 0) {
              return digest.digest();
            }
            digest.update(heap, 0, (int) read);
            position += read;
          }
        } finally {
          Downcalls.close(capture, fd);
        }
      });
      variants.put("pread 256K native, no hashing (read cost alone)", file -> {
        int fd = descriptorOf(file, capture);
        try {
          long position = 0;
          while (true) {
            long read = LinuxCalls.pread(capture, fd, native256, native256.byteSize(), position);
            if (read <= 0) {
              return new byte[0];
            }
            position += read;
          }
        } finally {
          Downcalls.close(capture, fd);
        }
      });

      String expected = null;
      Map<String, List<Double>> rates = new LinkedHashMap<>();
      System.out.printf(Locale.ROOT, "big file: %d MiB, %d rounds, page cache warm%n", size >> 20, rounds);
      for (int round = -1; round < rounds; round++) { // round -1 warms up the JIT
        for (Map.Entry<String, Variant> variant : variants.entrySet()) {
          long started = System.nanoTime();
          byte[] result = variant.getValue().hash(big);
          long elapsed = System.nanoTime() - started;
          if (result.length > 0) {
            String hex = HexFormat.of().formatHex(result);
            if (expected == null) {
              expected = hex;
            } else if (!expected.equals(hex)) {
              throw new AssertionError(variant.getKey() + " computed another digest");
            }
          }
          if (round >= 0) {
            rates.computeIfAbsent(variant.getKey(), k -> new ArrayList<>()).add(size / (elapsed / 1e9) / 1e9);
          }
        }
      }
      rates.forEach((name, values) -> System.out.printf(Locale.ROOT, "  %-56s median %.2f GB/s, best %.2f GB/s%n", name, median(values), best(values)));
    }
  }

  private static void smallFiles(Path directory, int count, int rounds) throws Exception {
    Files.createDirectories(directory.resolve("small"));
    SplittableRandom random = new SplittableRandom(8);
    List<String> names = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      String name = "small/f" + i;
      write(directory.resolve(name), random.nextInt(0, 8192), i);
      names.add(name);
    }
    MessageDigest digest = MessageDigest.getInstance("SHA-256");
    try (RootDirectory root = RootDirectory.open(directory.toRealPath());
        FileOpener linux = FileOpener.linux().orElseThrow();
        FileOpener java = FileOpener.java()) {
      Map<String, FileOpener> openers = new LinkedHashMap<>();
      openers.put("FileOpener.java()", java);
      openers.put("FileOpener.linux()", linux);
      Map<String, List<Double>> rates = new LinkedHashMap<>();
      for (int round = -1; round < rounds; round++) {
        for (Map.Entry<String, FileOpener> opener : openers.entrySet()) {
          long started = System.nanoTime();
          for (String name : names) {
            switch (opener.getValue().open(root, name)) {
              case OpenOutcome.Opened opened -> {
                try (OpenFile file = opened.file()) {
                  digest.reset();
                  file.update(digest);
                  var _ = digest.digest();
                  var _ = file.recheck();
                }
              }
              default -> throw new AssertionError("not opened: " + name);
            }
          }
          long elapsed = System.nanoTime() - started;
          if (round >= 0) {
            rates.computeIfAbsent(opener.getKey(), k -> new ArrayList<>()).add(count / (elapsed / 1e9));
          }
        }
      }
      System.out.printf(Locale.ROOT, "small files: %d files of 0-8 KiB, open + hash + recheck%n", count);
      rates.forEach((name, values) -> System.out.printf(Locale.ROOT, "  %-56s median %.0f files/s, best %.0f files/s%n", name, median(values), best(values)));
    }
  }

  private static byte[] viaOpener(FileOpener opener, RootDirectory root, MessageDigest digest)
      throws IOException {
    if (!(opener.open(root, "big") instanceof OpenOutcome.Opened opened)) {
      throw new AssertionError("not opened");
    }
    try (OpenFile file = opened.file()) {
      digest.reset();
      file.update(digest);
      return digest.digest();
    }
  }

  private static byte[] preadCopy(
      MemorySegment capture, Path file, MemorySegment buffer, byte[] heap, MessageDigest digest)
      throws IOException {
    digest.reset();
    int fd = descriptorOf(file, capture);
    try {
      long position = 0;
      while (true) {
        long read = LinuxCalls.pread(capture, fd, buffer, buffer.byteSize(), position);
        if (read <= 0) {
          return digest.digest();
        }
        for (long offset = 0; offset < read; offset += CHUNK) {
          int length = (int) Math.min(CHUNK, read - offset);
          MemorySegment.copy(buffer, JAVA_BYTE, offset, heap, 0, length);
          digest.update(heap, 0, length);
        }
        position += read;
      }
    } finally {
      Downcalls.close(capture, fd);
    }
  }

  private static int descriptorOf(Path file, MemorySegment capture) throws IOException {
    try (Arena arena = Arena.ofConfined()) {
      int fd = LinuxCalls.open(capture, arena.allocateFrom(file.toString()), LinuxCalls.O_RDONLY | LinuxCalls.O_CLOEXEC);
      if (fd < 0) {
        throw new IOException(Errno.describe(LinuxCalls.errno(capture)));
      }
      return fd;
    }
  }

  // Only this harness links a critical function, to measure reading straight into a heap array;
  // the opener does not, because a critical call holds off the GC for as long as the read blocks.
  @SuppressWarnings("restricted")
  private static MethodHandle criticalPread() {
    Linker linker = Linker.nativeLinker();
    return linker.downcallHandle(
        linker.defaultLookup().findOrThrow("pread"),
        FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_LONG),
        Linker.Option.critical(true));
  }

  private static void write(Path file, long size, long seed) throws IOException {
    SplittableRandom random = new SplittableRandom(seed);
    byte[] block = new byte[1 << 20];
    try (OutputStream out = Files.newOutputStream(file)) {
      for (long written = 0; written < size; ) {
        random.nextBytes(block);
        int length = (int) Math.min(block.length, size - written);
        out.write(block, 0, length);
        written += length;
      }
    }
  }

  private static double median(List<Double> values) {
    double[] sorted = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
    return sorted[sorted.length / 2];
  }

  private static double best(List<Double> values) {
    return Arrays.stream(values.stream().mapToDouble(Double::doubleValue).toArray()).max().orElse(0);
  }
}
