package io.hashstream.nativeio;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The behaviour every opener shares, run against each of them: the native opener, the native
 * opener after {@code openat2} answered {@code ENOSYS} (a system call number that does not exist
 * makes the kernel answer it for real), and the checked Java path.
 */
class FileOpenerTest {
  /** No such system call on any Linux architecture: the kernel answers ENOSYS. */
  static final long NO_SUCH_SYSCALL = 1_000_000;

  enum Opener {
    LINUX {
      @Override
      FileOpener create() {
        assumeThat(LinuxSupport.unavailable()).as("the native opener runs here").isEmpty();
        return FileOpener.linux().orElseThrow();
      }
    },
    LINUX_AFTER_ENOSYS {
      @Override
      FileOpener create() {
        assumeThat(LinuxSupport.unavailable()).as("the native opener runs here").isEmpty();
        return new LinuxFileOpener(NO_SUCH_SYSCALL);
      }
    },
    JAVA {
      @Override
      FileOpener create() {
        return FileOpener.java();
      }
    };

    abstract FileOpener create();
  }

  @TempDir Path temp;
  private Path rootDir;
  private Path outside;
  private RootDirectory root;
  private final List<FileOpener> openers = new ArrayList<>();

  @BeforeEach
  void tree() throws IOException {
    rootDir = Files.createDirectories(temp.resolve("root")).toRealPath();
    outside = Files.createDirectories(temp.resolve("outside")).toRealPath();
    Files.writeString(outside.resolve("secret.txt"), "outside the root");
    root = RootDirectory.open(rootDir);
  }

  @AfterEach
  void closeAll() {
    openers.forEach(FileOpener::close);
    root.close();
  }

  private FileOpener opener(Opener kind) {
    FileOpener opener = kind.create();
    openers.add(opener);
    return opener;
  }

  private RootDirectory root() {
    return root;
  }

  @ParameterizedTest
  @EnumSource(Opener.class)
  void hashesRegularFilesOfManySizesLikeReadAllBytes(Opener kind) throws Exception {
    FileOpener opener = opener(kind);
    long seed = new SplittableRandom().nextLong();
    SplittableRandom random = new SplittableRandom(seed);
    int[] sizes = {
      0, 1, 2, 4095, 4096, 65_535, 65_536, 65_537, 262_143, 262_144, 262_145,
      (3 << 20) + random.nextInt(1 << 20), (5 << 20) + random.nextInt(1 << 20),
      random.nextInt(1 << 20), random.nextInt(1 << 16), random.nextInt(300)
    };
    MessageDigest digest = Trees.newSha256();
    for (int i = 0; i < sizes.length; i++) {
      String relative = "dir " + (i % 3) + "/file-" + i + ".bin";
      Path file = Trees.write(rootDir.resolve(relative), sizes[i], random);
      String what = "size " + sizes[i] + " (seed " + seed + ")";

      OpenOutcome outcome = opener.open(root(), relative);

      assertThat(outcome).as(what).isInstanceOf(OpenOutcome.Opened.class);
      try (OpenFile open = ((OpenOutcome.Opened) outcome).file()) {
        FileState lstat = FileStats.lstat(file).orElseThrow();
        assertThat(open.state().sameAs(lstat))
            .as("%s: the state opened equals lstat's: %s vs %s", what, open.state(), lstat)
            .isTrue();
        digest.reset();
        assertThat(open.update(digest)).as(what).isEqualTo(sizes[i]);
        assertThat(digest.digest()).as(what).isEqualTo(Trees.sha256(Files.readAllBytes(file)));
        assertThat(open.recheck()).as(what).hasValueSatisfying(now -> assertThat(now.sameAs(lstat)).isTrue());
      }
    }
  }

  @ParameterizedTest
  @EnumSource(Opener.class)
  void aFifoIsNotRegularAndOpeningItDoesNotHang(Opener kind) throws Exception {
    FileOpener opener = opener(kind);
    Trees.mkfifo(rootDir.resolve("pipe"));

    OpenOutcome outcome = assertTimeoutPreemptively(Duration.ofSeconds(20), () -> opener.open(root(), "pipe"));

    assertThat(outcome)
        .isInstanceOfSatisfying(
            OpenOutcome.NotRegular.class, notRegular -> assertThat(notRegular.state().kind()).isEqualTo(FileKind.FIFO));
  }

  /**
   * A process that opens a FIFO for writing waits in open(2) until a reader opens it: had the opener
   * opened the FIFO for reading, even for an instant, that writer would have gone on.
   */
  @ParameterizedTest
  @EnumSource(Opener.class)
  void aFifoIsNeverOpenedForReading(Opener kind) throws Exception {
    FileOpener opener = opener(kind);
    Path fifo = Trees.mkfifo(rootDir.resolve("pipe"));
    AtomicBoolean writerOpened = new AtomicBoolean();
    AtomicReference<@Nullable IOException> writerFailed = new AtomicReference<>();
    Thread writer =
        Thread.ofPlatform()
            .daemon()
            .name(WRITER)
            .start(
                () -> {
                  try {
                    // Returns once a reader has the FIFO open.
                    Files.newOutputStream(fifo).close();
                    writerOpened.set(true);
                  } catch (IOException e) {
                    writerFailed.set(e);
                  }
                });
    try {
      await("the writer waits in open(2)").atMost(Duration.ofSeconds(20)).until(() -> waitingInOpen(WRITER));

      assertThat(opener.open(root(), "pipe")).isInstanceOf(OpenOutcome.NotRegular.class);

      await("the writer still waits")
          .during(Duration.ofMillis(500))
          .atMost(Duration.ofSeconds(5))
          .untilFalse(writerOpened);
    } finally {
      // O_RDWR never blocks on a FIFO, and counts as a reader: the writer goes on.
      FileChannel.open(fifo, StandardOpenOption.READ, StandardOpenOption.WRITE).close();
      await("the writer ends").atMost(Duration.ofSeconds(20)).until(() -> !writer.isAlive());
    }
    assertThat(writerFailed.get()).isNull();
  }

  private static final String WRITER = "fifo-writer";

  /** Whether the thread whose native name is {@code name} is in an open system call now. */
  private static boolean waitingInOpen(String name) throws IOException {
    try (var tasks = Files.list(Path.of("/proc/self/task"))) {
      for (Path task : tasks.toList()) {
        try {
          if (Files.readString(task.resolve("comm")).strip().equals(name)) {
            String syscall = Files.readString(task.resolve("syscall")).strip();
            String number = syscall.split(" ", 2)[0];
            return number.equals("257") || number.equals("2") || number.equals("437");
          }
        } catch (java.nio.file.NoSuchFileException e) {
          // That thread ended while the tasks were listed.
        }
      }
    }
    return false;
  }

  @ParameterizedTest
  @EnumSource(Opener.class)
  void aSocketIsNotRegular(Opener kind) throws Exception {
    FileOpener opener = opener(kind);
    try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
      server.bind(UnixDomainSocketAddress.of(rootDir.resolve("socket")));

      assertThat(opener.open(root(), "socket"))
          .isInstanceOfSatisfying(
              OpenOutcome.NotRegular.class, notRegular -> assertThat(notRegular.state().kind()).isEqualTo(FileKind.SOCKET));
    }
  }

  @ParameterizedTest
  @EnumSource(Opener.class)
  void aDirectoryIsNotRegular(Opener kind) throws Exception {
    FileOpener opener = opener(kind);
    Files.createDirectories(rootDir.resolve("a/b"));

    assertThat(opener.open(root(), "a/b"))
        .isInstanceOfSatisfying(
            OpenOutcome.NotRegular.class, notRegular -> assertThat(notRegular.state().kind()).isEqualTo(FileKind.DIRECTORY));
  }

  /** A final symbolic link is examined as itself, as lstat does: wherever it points, never followed. */
  @ParameterizedTest
  @EnumSource(Opener.class)
  void aFinalSymbolicLinkIsNotRegularAndNotFollowed(Opener kind) throws Exception {
    FileOpener opener = opener(kind);
    Files.writeString(rootDir.resolve("target.txt"), "inside");
    Files.createSymbolicLink(rootDir.resolve("to-inside"), Path.of("target.txt"));
    Files.createSymbolicLink(rootDir.resolve("to-outside"), outside.resolve("secret.txt"));
    Files.createSymbolicLink(rootDir.resolve("dangling"), Path.of("nothing-here"));

    for (String link : List.of("to-inside", "to-outside", "dangling")) {
      assertThat(opener.open(root(), link))
          .as(link)
          .isInstanceOfSatisfying(
              OpenOutcome.NotRegular.class,
              notRegular -> {
                assertThat(notRegular.state().kind()).isEqualTo(FileKind.SYMLINK);
                assertThat(notRegular.state().sameAs(lstat(rootDir.resolve(link)))).isTrue();
              });
    }
  }

  @ParameterizedTest
  @EnumSource(Opener.class)
  void aDirectorySymbolicLinkLeadingOutsideIsNotInTheTree(Opener kind) throws Exception {
    FileOpener opener = opener(kind);
    Files.createSymbolicLink(rootDir.resolve("escape"), outside);
    Files.createDirectories(rootDir.resolve("deep"));
    Files.createSymbolicLink(rootDir.resolve("deep/up"), Path.of("../../outside"));

    for (String path : List.of("escape/secret.txt", "deep/up/secret.txt")) {
      assertThat(opener.open(root(), path))
          .as(path)
          .isInstanceOfSatisfying(
              OpenOutcome.NotInTree.class, gone -> assertThat(gone.reason()).contains("symbolic link"));
    }
  }

  /**
   * The native opener follows no link at all (RESOLVE_NO_SYMLINKS), even one that stays inside the
   * root (a {@code mv current old && ln -s v2 current}); the Java path answers the same so the
   * outcome does not depend on the platform: the path is not a file of the tree.
   */
  @ParameterizedTest
  @EnumSource(Opener.class)
  void aDirectorySymbolicLinkInsideTheRootIsNotInTheTreeEither(Opener kind) throws Exception {
    FileOpener opener = opener(kind);
    Files.writeString(Files.createDirectories(rootDir.resolve("real")).resolve("file.txt"), "x");
    Files.createSymbolicLink(rootDir.resolve("alias"), Path.of("real"));

    assertThat(opener.open(root(), "alias/file.txt"))
        .isInstanceOfSatisfying(
            OpenOutcome.NotInTree.class, gone -> assertThat(gone.reason()).contains("symbolic link"));
  }

  @ParameterizedTest
  @EnumSource(Opener.class)
  void malformedPathsAreRefusedBeforeAnythingIsOpened(Opener kind) throws Exception {
    FileOpener opener = opener(kind);
    Files.writeString(rootDir.resolve("file.txt"), "x");
    for (String path :
        List.of("", "/etc/hostname", "../outside/secret.txt", "a/../../outside/secret.txt", "./file.txt",
            "a//file.txt", "file.txt/", "a/./file.txt", "..", "nul\0.txt")) {
      assertThat(opener.open(root(), path)).as("'%s'", path).isInstanceOf(OpenOutcome.Refused.class);
    }
  }

  @ParameterizedTest
  @EnumSource(Opener.class)
  void aMissingFileOrDirectoryIsGone(Opener kind) throws Exception {
    FileOpener opener = opener(kind);
    Files.writeString(rootDir.resolve("file.txt"), "x");
    for (String path : List.of("missing.txt", "missing/file.txt", "file.txt/child")) {
      assertThat(opener.open(root(), path)).as(path).isInstanceOf(OpenOutcome.Gone.class);
    }
  }

  @ParameterizedTest
  @EnumSource(Opener.class)
  void namesOutsideAsciiOpen(Opener kind) throws Exception {
    assumeThat(RelativePaths.FILE_NAMES).as("a UTF-8 locale").isEqualTo(StandardCharsets.UTF_8);
    FileOpener opener = opener(kind);
    String relative = "ünïcödé/файл 文件 😀.txt";
    Path file = Trees.write(rootDir.resolve(relative), 1000, new SplittableRandom(3));

    OpenOutcome outcome = opener.open(root(), relative);

    assertThat(outcome).isInstanceOf(OpenOutcome.Opened.class);
    try (OpenFile open = ((OpenOutcome.Opened) outcome).file()) {
      MessageDigest digest = Trees.newSha256();
      open.update(digest);
      assertThat(digest.digest()).isEqualTo(Trees.sha256(Files.readAllBytes(file)));
    }
  }

  /** The file opened is the one read, whatever the path names meanwhile. */
  @ParameterizedTest
  @EnumSource(
      value = Opener.class,
      names = {"LINUX"})
  void theOpenFileIsReadEvenAfterItsPathIsReplaced(Opener kind) throws Exception {
    FileOpener opener = opener(kind);
    Path file = rootDir.resolve("file.txt");
    Files.writeString(file, "first");
    OpenOutcome outcome = opener.open(root(), "file.txt");
    assertThat(outcome).isInstanceOf(OpenOutcome.Opened.class);
    try (OpenFile open = ((OpenOutcome.Opened) outcome).file()) {
      Files.delete(file);
      Files.writeString(file, "second, replaced");

      MessageDigest digest = Trees.newSha256();
      open.update(digest);
      assertThat(digest.digest()).isEqualTo(Trees.sha256("first".getBytes(StandardCharsets.UTF_8)));
      // The same inode, size and modification time; the unlink changed its link count, so its
      // status change time moved, and a hash of it would be taken again.
      assertThat(open.recheck())
          .hasValueSatisfying(
              now -> {
                assertThat(now.identity()).isEqualTo(open.state().identity());
                assertThat(now.size()).isEqualTo(open.state().size());
                assertThat(now.modified()).isEqualTo(open.state().modified());
              });
    }
  }

  @ParameterizedTest
  @EnumSource(Opener.class)
  void recheckSeesAFileThatGrewWhileOpen(Opener kind) throws Exception {
    FileOpener opener = opener(kind);
    Path file = rootDir.resolve("growing.log");
    Files.writeString(file, "one line\n");
    OpenOutcome outcome = opener.open(root(), "growing.log");
    assertThat(outcome).isInstanceOf(OpenOutcome.Opened.class);
    try (OpenFile open = ((OpenOutcome.Opened) outcome).file()) {
      Files.writeString(file, "another line\n", StandardOpenOption.APPEND);

      Optional<FileState> now = open.recheck();

      assertThat(now).hasValueSatisfying(state -> assertThat(state.size()).isEqualTo(22));
      assertThat(now.orElseThrow().sameAs(open.state())).isFalse();
    }
  }

  @ParameterizedTest
  @EnumSource(Opener.class)
  void aClosedOpenerOrRootRefusesToOpen(Opener kind) throws Exception {
    Files.writeString(rootDir.resolve("file.txt"), "x");
    FileOpener opener = opener(kind);
    RootDirectory other = RootDirectory.open(rootDir);
    other.close();
    other.close();

    assertThatThrownBy(() -> opener.open(other, "file.txt"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("closed");
    opener.close();
    opener.close();
    assertThatThrownBy(() -> opener.open(root(), "file.txt"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("closed");
  }

  @ParameterizedTest
  @EnumSource(Opener.class)
  void closingTheOpenerClosesAFileLeftOpen(Opener kind) throws Exception {
    Files.writeString(rootDir.resolve("file.txt"), "x");
    FileOpener opener = opener(kind);
    OpenOutcome outcome = opener.open(root(), "file.txt");
    assertThat(outcome).isInstanceOf(OpenOutcome.Opened.class);
    OpenFile file = ((OpenOutcome.Opened) outcome).file();

    opener.close();

    assertThatThrownBy(() -> file.update(Trees.newSha256())).isInstanceOf(IllegalStateException.class);
    file.close();
  }

  @ParameterizedTest
  @ValueSource(strings = {"../outside/secret.txt", "a/../../outside/secret.txt", "/etc/hostname"})
  void theKernelItselfRefusesToLeaveTheRoot(String path) throws Exception {
    FileOpener opener = opener(Opener.LINUX);
    Files.createDirectories(rootDir.resolve("a"));

    // Past the Java checks: this is what openat2's RESOLVE_BENEATH answers by itself.
    OpenOutcome outcome = ((LinuxFileOpener) opener).openBeneath(root(), path);

    assertThat(outcome)
        .isInstanceOfSatisfying(
            OpenOutcome.Refused.class, refused -> assertThat(refused.reason()).contains("outside the root"));
  }

  @org.junit.jupiter.api.Test
  void afterEnosysTheOpenerSaysItUsesTheJavaPath() throws Exception {
    FileOpener opener = opener(Opener.LINUX_AFTER_ENOSYS);
    Files.writeString(rootDir.resolve("file.txt"), "x");
    assertThat(opener.description()).contains("openat2");

    assertThat(opener.open(root(), "file.txt")).isInstanceOf(OpenOutcome.Opened.class);

    assertThat(opener.description()).contains("Java").contains("ENOSYS");
  }

  private static FileState lstat(Path path) {
    try {
      return FileStats.lstat(path).orElseThrow();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
