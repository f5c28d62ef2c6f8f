/**
 * The fault suite: the real runtime, producer and consumers as child processes, faults through the
 * operating system only (signals, a TCP proxy, a small file system), and one {@link
 * io.hashstream.faults.Oracle} that judges every scenario.
 */
@NullMarked
package io.hashstream.faults;

import org.jspecify.annotations.NullMarked;
