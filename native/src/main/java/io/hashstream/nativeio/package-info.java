/**
 * hashstream's calls into the operating system through the FFM API. <b>The only place in hashstream
 * that calls native code</b>: every downcall handle, struct layout and constant is in this package
 * ({@code LinuxCalls} for the opener and the directory reader, {@code InotifyCalls} for inotify, {@link
 * io.hashstream.nativeio.StatFs}, all linked through {@code Downcalls}, which captures {@code errno}),
 * every {@link java.lang.foreign.Arena} of theirs is created here, and nothing native leaves it:
 * errno values become messages that say what to do ({@code Errno}, {@link
 * io.hashstream.nativeio.Inotify}). The public types are the API the deployables use:
 *
 * <ul>
 *   <li>the consumer's race-free opener: {@link io.hashstream.nativeio.FileOpener}, {@link
 *       io.hashstream.nativeio.RootDirectory}, {@link io.hashstream.nativeio.OpenOutcome}, {@link
 *       io.hashstream.nativeio.OpenFile}, with the types they answer in ({@link
 *       io.hashstream.nativeio.FileState}, {@link io.hashstream.nativeio.FileKind}, {@link
 *       io.hashstream.nativeio.StatTime}) and their checked Java fallbacks ({@link
 *       io.hashstream.nativeio.FileStats}, {@link io.hashstream.nativeio.PathResolver});
 *   <li>the producer's inotify instance: {@link io.hashstream.nativeio.Inotify}, {@link
 *       io.hashstream.nativeio.InotifyEvent}, {@link io.hashstream.nativeio.InotifyException};
 *   <li>the producer's scans: {@link io.hashstream.nativeio.DirectoryReader} ({@code getdents64}, then
 *       one {@code statx} per entry relative to the directory's descriptor), and its tracker's
 *       {@code lstat}: {@link io.hashstream.nativeio.PathStat};
 *   <li>a file system's type and identity: {@link io.hashstream.nativeio.StatFs}.
 * </ul>
 *
 * <h2>Which opener runs</h2>
 *
 * {@link io.hashstream.nativeio.FileOpener#forThisPlatform} picks the native
 * opener (Linux, through the FFM API: {@code openat2} beneath the root's directory descriptor with
 * {@code RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS}, see {@code LinuxFileOpener}) when all of these
 * hold, checked once per JVM: Linux on x86-64; native access enabled ({@code
 * --enable-native-access=ALL-UNNAMED}, which {@code bin/hashstream} and the test JVMs pass); the C
 * library has {@code syscall}, {@code open}, {@code statx}, {@code pread} and {@code close}; a
 * probe of {@code openat2} (system call 437, through the variadic {@code syscall}: glibc 2.36 has no
 * wrapper) does not answer {@code ENOSYS} or {@code EPERM}; {@code /proc/self/fd} can reopen a
 * descriptor. Otherwise it picks the checked Java path, and {@link
 * io.hashstream.nativeio.FileOpener#nativeUnavailable} says why, to log once.
 *
 * <h2>What each path guarantees</h2>
 *
 * <ul>
 *   <li>Native: the walk never leaves the root ({@code ..} or an absolute link: {@code EXDEV},
 *       refused) and crosses no symbolic link ({@code ELOOP}, refused), checked by the kernel in
 *       the same step as the open. A final symbolic link is opened as itself ({@code O_PATH |
 *       O_NOFOLLOW}) and reported not regular ({@code SYMLINK}), as {@code lstat} does. The type is
 *       read from the descriptor, and only a regular file is reopened for reading (through {@code
 *       /proc/self/fd}, the same inode), so a FIFO or a device is never opened for I/O: nothing
 *       blocks, no driver runs. No window is left between the check and the open.
 *   <li>Java fallback (other OSes, kernels without {@code openat2}): the same refusals (the
 *       directories are resolved with {@code toRealPath}, and a path whose directories are not what
 *       its text says crossed a link), then {@code lstat}, then {@code open(O_NOFOLLOW)}. <b>The
 *       window left:</b> a FIFO swapped in between the {@code lstat} and the {@code open} blocks
 *       the hashing thread in {@code open(2)} until some process opens it for writing; a directory
 *       on the way swapped for a symbolic link between the resolution and the open leads the open
 *       outside the root (only a final link is refused by {@code O_NOFOLLOW}).
 * </ul>
 *
 * <h2>Threads and ownership</h2>
 *
 * <ul>
 *   <li>A {@link io.hashstream.nativeio.RootDirectory} per configured root, shared
 *       by every hashing thread, owns the root's directory descriptor ({@code O_PATH |
 *       O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC}); it is closed once, on shutdown, from any thread. A
 *       count of running opens keeps the descriptor open until the last one ends, so its number is
 *       never reused under a running {@code openat2}.
 *   <li>A {@link io.hashstream.nativeio.FileOpener} per hashing thread owns its
 *       arena: the errno capture segment, the {@code open_how} and {@code statx} structs, the path
 *       buffer, a 256 KiB native read buffer and a 64 KiB heap array; and a descriptor of {@code
 *       /proc/self/fd} (opened at its first reopen, closed with it). It is built on any thread,
 *       used by one thread at a time (a second concurrent user gets a {@link
 *       java.util.ConcurrentModificationException}) and closed after its thread stops using it.
 *   <li>An {@link io.hashstream.nativeio.OpenFile} belongs to the opener that
 *       opened it and reads through its buffers: same thread, closed before the opener (the opener
 *       closes any left open, with a warning).
 *   <li>An {@link io.hashstream.nativeio.Inotify} owns its arena: the inotify descriptor, an eventfd
 *       that wakes it, a 64 KiB read buffer, the {@code pollfd} pair and two capture segments. One
 *       thread (the producer's reader) awaits, reads and adds or removes watches; {@link
 *       io.hashstream.nativeio.Inotify#wakeUp} may come from any thread; it is closed once that
 *       thread has stopped.
 *   <li>A {@link io.hashstream.nativeio.PathStat} per thread (the tracker's) owns its arena (the
 *       errno capture, a statx buffer, a 4 KiB path buffer), built, used and closed as a reader.
 *   <li>A {@link io.hashstream.nativeio.DirectoryReader} per scanning thread owns its arena (the
 *       errno capture, a 64 KiB dirent buffer, the statx buffer), like an opener: built on any
 *       thread, used by one at a time, closed once; each directory's descriptor is closed before
 *       {@code read} returns.
 *   <li>{@link io.hashstream.nativeio.StatFs} allocates in a confined arena per call, on the calling
 *       thread.
 * </ul>
 */
@NullMarked
package io.hashstream.nativeio;

import org.jspecify.annotations.NullMarked;
