package io.hashstream.nativeio;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import java.util.Locale;
import org.junit.jupiter.api.Test;

class LinuxSupportTest {
  /** The build's JVMs pass --enable-native-access and run on Linux x86-64: the native path is tested. */
  @Test
  void theNativeOpenerRunsOnLinuxX8664() {
    assumeThat(System.getProperty("os.name")).isEqualTo("Linux");
    assumeThat(System.getProperty("os.arch").toLowerCase(Locale.ROOT)).isIn("amd64", "x86_64");

    assertThat(LinuxSupport.unavailable()).as("why the native opener is unavailable").isEmpty();
    assertThat(FileOpener.linux()).isPresent();
    try (FileOpener opener = FileOpener.forThisPlatform()) {
      assertThat(opener.description()).contains("openat2");
    }
  }

  @Test
  void aKernelWithoutOpenat2IsDetectedAndNamed() {
    assumeThat(LinuxSupport.unavailable()).as("the native opener runs here").isEmpty();

    assertThat(LinuxCalls.probe(FileOpenerTest.NO_SUCH_SYSCALL))
        .isEqualTo("the kernel has no openat2 system call (Linux 5.6 and newer have it)");
    assertThat(LinuxCalls.probe(LinuxCalls.SYS_OPENAT2)).isNull();
  }

  @Test
  void theJavaPathIsAlwaysThere() {
    try (FileOpener opener = FileOpener.java()) {
      assertThat(opener.description()).contains("Java");
    }
  }

  /** glibc's makedev, checked against values {@code stat -c '%d'} prints. */
  @Test
  void deviceNumbersAreEncodedAsStatReportsThem() {
    assertThat(LinuxCalls.makedev(8, 1)).isEqualTo(2049);
    assertThat(LinuxCalls.makedev(0, 42)).isEqualTo(42);
    assertThat(LinuxCalls.makedev(259, 3)).isEqualTo(66307);
    assertThat(LinuxCalls.makedev(1, 300)).isEqualTo(0x10012CL);
  }

  @Test
  void errnoValuesBecomeReasons() {
    assertThat(Errno.describe(Errno.EACCES)).isEqualTo("permission denied (EACCES)");
    assertThat(Errno.describe(Errno.EMFILE)).contains("ulimit -n");
    assertThat(Errno.describe(9999)).isEqualTo("errno 9999");
  }
}
