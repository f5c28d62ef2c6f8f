package io.hashstream.consumer.internal;

import io.hashstream.nativeio.FileKind;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.Random;
import io.hashstream.nativeio.FileOpener;
import io.hashstream.nativeio.RootDirectory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class FileHashingTest {
  private static final FileHashing.Expected ANY = new FileHashing.Expected(null, null, null);
  /** Every backoff step taken at once: for tests of what the steps end in, not of the waiting. */
  private static final FileHashing.Patience AT_ONCE = wait -> true;
  @TempDir Path directory;
  private final FileHashing hashing = new FileHashing(FileOpener.forThisPlatform());
  private RootDirectory root;

  @BeforeEach
  void openRoot() throws Exception {
    root = RootDirectory.open(directory.toRealPath());
  }

  @AfterEach
  void close() {
    hashing.close();
    root.close();
  }

  @ParameterizedTest
  @ValueSource(ints = {0, 1, 65_535, 65_536, 65_537, 3_000_001})
  void hashesLikeMessageDigest(int size) throws Exception {
    byte[] content = new byte[size];
    new Random(size).nextBytes(content);
    Files.write(directory.resolve("f"), content);
    HashOutcome outcome = hashing.hash(root, "f", ANY);
    byte[] expected = sha256(content);
    assertThat(outcome).isInstanceOfSatisfying(
        HashOutcome.Hashed.class,
        hashed -> {
          assertThat(hashed.digest()).isEqualTo(expected);
          assertThat(hashed.state().size()).isEqualTo(size);
          assertThat(hashed.state().kind()).isEqualTo(FileKind.REGULAR);
        });
  }

  @Test
  void aMissingFileIsGone() throws Exception {
    assertThat(hashing.hash(root, "missing", ANY)).isEqualTo(new HashOutcome.Gone());
  }

  @Test
  void aSymlinkIsNotOpened() throws Exception {
    Path target = Files.writeString(directory.resolve("target"), "x");
    Files.createSymbolicLink(directory.resolve("link"), target);
    assertThat(hashing.hash(root, "link", ANY))
        .isInstanceOfSatisfying(
            HashOutcome.NotRegular.class, n -> assertThat(n.state().kind()).isEqualTo(FileKind.SYMLINK));
  }

  @Test
  void aViewOlderThanTheEventIsWaitedForThenReportedUnstable() throws Exception {
    Path file = Files.writeString(directory.resolve("f"), "old");
    Files.setLastModifiedTime(file, FileTime.from(Instant.parse("2026-01-01T00:00:00Z")));
    FileHashing.Expected newer = new FileHashing.Expected(3L, Instant.parse("2026-06-01T00:00:00Z"), null);
    assertThat(hashing.hash(() -> root, "f", newer, AT_ONCE))
        .isInstanceOfSatisfying(
            HashOutcome.Unstable.class,
            unstable -> assertThat(unstable.reason()).contains("older state than the event"));
  }

  @Test
  void aViewNewerThanTheEventIsHashedAsItIsNow() throws Exception {
    Files.writeString(directory.resolve("f"), "newer content");
    FileHashing.Expected older = new FileHashing.Expected(3L, Instant.parse("2020-01-01T00:00:00Z"), null);
    assertThat(hashing.hash(root, "f", older)).isInstanceOf(HashOutcome.Hashed.class);
  }

  /**
   * The event saw the file with its modification time put back (tar -x, rsync -t): the view is
   * older by mtime, but not by ctime, which the kernel set at the restore. Hashed, not UNSTABLE.
   */
  @Test
  void aModificationTimePutBackIsNotAnOlderViewWhenTheStatusChangeTimeIsNewer() throws Exception {
    Path file = Files.writeString(directory.resolve("restored"), "new");
    Instant changedAtTheEvent = ((FileTime) Files.getAttribute(file, "unix:ctime")).toInstant();
    Files.setLastModifiedTime(file, FileTime.from(Instant.parse("2020-01-01T00:00:00Z")));
    FileHashing.Expected event =
        new FileHashing.Expected(3L, Instant.parse("2026-06-01T00:00:00Z"), changedAtTheEvent);
    assertThat(hashing.hash(root, "restored", event)).isInstanceOf(HashOutcome.Hashed.class);
  }

  @Test
  void aStatusChangeTimeOlderThanTheEventsIsAnOlderView() throws Exception {
    Path file = Files.writeString(directory.resolve("behind"), "old");
    Instant changed = ((FileTime) Files.getAttribute(file, "unix:ctime")).toInstant();
    FileHashing.Expected event = new FileHashing.Expected(3L, null, changed.plusSeconds(60));
    assertThat(hashing.hash(() -> root, "behind", event, AT_ONCE)).isInstanceOf(HashOutcome.Unstable.class);
  }

  /**
   * EMFILE is a limit of the moment, not a property of the file: tried again with backoff, and
   * hashed once descriptors are free. The test lowers this JVM's soft limit of open files below
   * what it holds, and puts it back once the hash has failed and waits to try again.
   */
  @Test
  void aFileThatCannotBeOpenedForAMomentIsTriedAgain() throws Exception {
    Files.writeString(directory.resolve("f"), "content");
    AtomicReference<HashOutcome> outcome = new AtomicReference<>();
    try (DescriptorLimit limit = DescriptorLimit.exhausted()) {
      Thread hasher = Thread.ofPlatform().start(() -> {
        try {
          outcome.set(hashing.hash(root, "f", ANY));
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      });
      // Sleeping in its backoff: it met EMFILE and will try again.
      await().atMost(Duration.ofSeconds(10)).until(() -> hasher.getState() == Thread.State.TIMED_WAITING);
      limit.free();
      assertThat(hasher.join(Duration.ofSeconds(30))).isTrue();
    }
    assertThat(outcome.get()).isInstanceOf(HashOutcome.Hashed.class);
  }

  /** A limit that stays is reported, with how often it was tried. */
  @Test
  void aFileThatCannotBeOpenedForLongIsUnreadableAfterTheTries() throws Exception {
    Files.writeString(directory.resolve("f"), "content");
    HashOutcome outcome;
    try (DescriptorLimit _ = DescriptorLimit.exhausted()) {
      outcome = hashing.hash(() -> root, "f", ANY, AT_ONCE);
    }
    assertThat(outcome)
        .isInstanceOfSatisfying(
            HashOutcome.Unreadable.class,
            unreadable -> assertThat(unreadable.reason()).contains("open files").contains("tried 5 times"));
  }

  /** Not visible is not deleted: only a DELETED event (no size) makes a missing file a tombstone. */
  @Test
  void aMissingFileThatTheEventSawIsWaitedForThenReportedUnstableNotGone() throws Exception {
    FileHashing.Expected sawAFile = new FileHashing.Expected(3L, Instant.parse("2026-06-01T00:00:00Z"), null);
    assertThat(hashing.hash(() -> root, "not-here-yet", sawAFile, AT_ONCE))
        .isInstanceOfSatisfying(
            HashOutcome.NotVisible.class,
            notVisible -> assertThat(notVisible.reason()).contains("not visible on this host"));
  }

  /** A root that looks unmounted: no file is waited for, so they do not stall each other. */
  @Test
  void aRootThatSaysNotToWaitAnswersNotVisibleAtOnce() throws Exception {
    FileHashing.Expected sawAFile = new FileHashing.Expected(3L, null, null);
    AtomicInteger opens = new AtomicInteger();
    FileHashing.RootView suspect =
        new FileHashing.RootView() {
          @Override
          public RootDirectory directory() {
            opens.incrementAndGet();
            return root;
          }

          @Override
          public boolean awaitVisible() {
            return false;
          }
        };
    assertThat(hashing.hash(suspect, "not-here", sawAFile, FileHashing.Patience.SLEEP)).isInstanceOf(HashOutcome.NotVisible.class);
    assertThat(opens).as("looked up once, not again after a wait").hasValue(1);
  }

  /**
   * On a local file system this host sees what the producer saw: a file not visible was renamed or
   * deleted since its event, an older view was changed since; neither is waited for.
   */
  @Test
  void aRootOnALocalFileSystemIsNotWaitedFor() throws Exception {
    FileHashing.RootView local =
        new FileHashing.RootView() {
          @Override
          public RootDirectory directory() {
            return root;
          }

          @Override
          public boolean viewMayLag() {
            return false;
          }
        };
    AtomicInteger waits = new AtomicInteger();
    FileHashing.Patience counted = wait -> waits.incrementAndGet() > 0;
    FileHashing.Expected sawAFile = new FileHashing.Expected(3L, Instant.parse("2026-06-01T00:00:00Z"), null);
    assertThat(hashing.hash(local, "renamed-away", sawAFile, counted)).isInstanceOf(HashOutcome.NotVisible.class);
    Path file = Files.writeString(directory.resolve("put-back"), "old");
    Files.setLastModifiedTime(file, FileTime.from(Instant.parse("2026-01-01T00:00:00Z")));
    assertThat(hashing.hash(local, "put-back", sawAFile, counted)).isInstanceOf(HashOutcome.Unstable.class);
    assertThat(waits).as("no wait asked for").hasValue(0);
  }

  /** A wait given up (a newer event of the path came) answers with what the hash saw, at once. */
  @Test
  void aWaitGivenUpAnswersWithWhatWasSeen() throws Exception {
    AtomicInteger waits = new AtomicInteger();
    FileHashing.Patience givenUp = wait -> waits.incrementAndGet() < 0;
    FileHashing.Expected sawAFile = new FileHashing.Expected(3L, Instant.parse("2026-06-01T00:00:00Z"), null);
    assertThat(hashing.hash(() -> root, "not-here", sawAFile, givenUp)).isInstanceOf(HashOutcome.NotVisible.class);
    assertThat(waits).as("asked once, then answered").hasValue(1);
  }

  @Test
  void aFileThatAppearsWhileWaitedForIsHashed() throws Exception {
    FileHashing.Expected sawAFile = new FileHashing.Expected(3L, null, null);
    try (ExecutorService executor = Executors.newSingleThreadExecutor()) {
      AtomicReference<Thread> hashingThread = new AtomicReference<>();
      Future<HashOutcome> outcome =
          executor.submit(
              () -> {
                hashingThread.set(Thread.currentThread());
                return hashing.hash(root, "late", sawAFile);
              });
      // The file appears once the hash is waiting in its backoff, not after a guessed delay.
      await()
          .atMost(Duration.ofSeconds(10))
          .until(
              () -> {
                Thread thread = hashingThread.get();
                return thread != null && thread.getState() == Thread.State.TIMED_WAITING;
              });
      Files.writeString(directory.resolve("late"), "abc");
      assertThat(outcome.get(30, TimeUnit.SECONDS)).isInstanceOf(HashOutcome.Hashed.class);
    }
  }

  /** Directories have no entry: a path that is now one is a tombstone, whatever the event saw. */
  @Test
  void aPathThatIsNowADirectoryIsGone() throws Exception {
    Files.createDirectories(directory.resolve("was-a-file"));
    FileHashing.Expected sawAFile = new FileHashing.Expected(3L, null, null);
    assertThat(hashing.hash(root, "was-a-file", sawAFile)).isEqualTo(new HashOutcome.Gone());
    assertThat(hashing.hash(root, "was-a-file", ANY)).isEqualTo(new HashOutcome.Gone());
  }

  /** {@code mv current old && ln -s v2 current}: current/f is no longer a file of the tree. */
  @Test
  void aPathBeneathADirectoryReplacedByASymlinkIsGone() throws Exception {
    Files.writeString(Files.createDirectories(directory.resolve("v2")).resolve("f"), "new");
    Files.createSymbolicLink(directory.resolve("current"), Path.of("v2"));
    FileHashing.Expected sawAFile = new FileHashing.Expected(3L, null, null);
    assertThat(hashing.hash(root, "current/f", sawAFile)).isEqualTo(new HashOutcome.Gone());
  }

  private static byte[] sha256(byte[] content) throws Exception {
    return MessageDigest.getInstance("SHA-256").digest(content);
  }
}
