package io.hashstream.nativeio;

import org.jspecify.annotations.Nullable;

/**
 * One {@code struct inotify_event}, decoded.
 *
 * @param wd the watch it came from ({@code -1} for an overflow)
 * @param mask what happened ({@code Inotify.IN_*})
 * @param cookie what ties the two halves of a rename together; 0 for other events
 * @param name the entry's name in the watched directory, {@code ""} for the directory itself, or
 *     null if the name is not valid UTF-8 (it cannot be published)
 */
public record InotifyEvent(int wd, int mask, int cookie, @Nullable String name) {
  public boolean is(int flag) {
    return (mask & flag) != 0;
  }
}
