/**
 * Where changes come from. A {@link io.hashstream.producer.internal.source.ChangeSource} watches
 * roots and scans them, and tells a {@link io.hashstream.producer.internal.source.ChangeSink} what
 * it saw; the JDK {@code WatchService} is the one implementation so far (an inotify source through
 * the FFM API and a polling source for network file systems will join it).
 */
@NullMarked
package io.hashstream.producer.internal.source;

import org.jspecify.annotations.NullMarked;
