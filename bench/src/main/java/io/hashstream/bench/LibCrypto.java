package io.hashstream.bench;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;

/**
 * OpenSSL's SHA-256 ({@code libcrypto.so.3}, the code {@code openssl speed} and {@code openssl
 * dgst} run) called through the FFM API on native memory: what a Java process gets with OpenSSL's
 * assembly instead of the JDK's intrinsic, and without copying a mapped file. A benchmark
 * alternative only; the consumer does not use it. Every foreign handle of this module is here.
 */
final class LibCrypto {
  private static final Linker LINKER = Linker.nativeLinker();
  private static final SymbolLookup CRYPTO = lookup();

  /** {@code const EVP_MD *EVP_sha256(void)}. */
  private static final MethodHandle EVP_SHA256 =
      handle("EVP_sha256", FunctionDescriptor.of(ADDRESS));

  /**
   * {@code int EVP_Digest(const void *data, size_t count, unsigned char *md, unsigned int *size,
   * const EVP_MD *type, ENGINE *impl)}: the one-shot digest {@code openssl speed -evp} times.
   */
  private static final MethodHandle EVP_DIGEST =
      handle(
          "EVP_Digest",
          FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG, ADDRESS, ADDRESS, ADDRESS, ADDRESS));

  private static final MemorySegment SHA256 = sha256();

  private LibCrypto() {}

  /** SHA-256 of {@code data} into {@code digest} (32 bytes of native memory). */
  static void digest(MemorySegment data, MemorySegment digest) {
    int ok;
    try {
      ok =
          (int)
              EVP_DIGEST.invokeExact(
                  data, data.byteSize(), digest, MemorySegment.NULL, SHA256, MemorySegment.NULL);
    } catch (Throwable e) {
      throw new IllegalStateException("EVP_Digest failed", e);
    }
    if (ok != 1) {
      throw new IllegalStateException("EVP_Digest returned " + ok);
    }
  }

  @SuppressWarnings("restricted") // reading a C library is the point of this class
  private static SymbolLookup lookup() {
    return SymbolLookup.libraryLookup("libcrypto.so.3", Arena.global());
  }

  @SuppressWarnings("restricted") // downcalls are restricted methods; their signatures are above
  private static MethodHandle handle(String name, FunctionDescriptor descriptor) {
    MemorySegment symbol =
        CRYPTO
            .find(name)
            .orElseThrow(() -> new IllegalStateException("libcrypto.so.3 has no " + name));
    return LINKER.downcallHandle(symbol, descriptor);
  }

  private static MemorySegment sha256() {
    try {
      return (MemorySegment) EVP_SHA256.invokeExact();
    } catch (Throwable e) {
      throw new IllegalStateException("EVP_sha256 failed", e);
    }
  }
}
