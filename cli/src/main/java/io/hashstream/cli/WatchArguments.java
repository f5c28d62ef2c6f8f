package io.hashstream.cli;

import io.hashstream.producer.Watching;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/** {@code --watch [ROOT=]auto|inotify|poll|jdk}, in lower case as the help writes them. */
final class WatchArguments {
  private WatchArguments() {}

  /**
   * The watching that the {@code --watch} values ask for: one without a root sets every root's
   * (the last one given wins), {@code ROOT=} one root's.
   *
   * @throws UserErrors.UsageException for a source or a root that does not exist
   */
  static Watching watching(List<String> values, Set<String> roots, Duration pollInterval) {
    Watching.Mode every = Watching.Mode.AUTO;
    Map<String, Watching.Mode> perRoot = new HashMap<>();
    for (String value : values) {
      int equals = value.indexOf('=');
      if (equals < 0) {
        every = mode(value);
        continue;
      }
      String root = value.substring(0, equals);
      if (!roots.contains(root)) {
        throw new UserErrors.UsageException(
            "--watch " + value + ": there is no root '" + root + "' (the roots are " + String.join(", ", roots) + ")");
      }
      perRoot.put(root, mode(value.substring(equals + 1)));
    }
    try {
      return new Watching(every, perRoot, pollInterval);
    } catch (IllegalArgumentException e) {
      throw new UserErrors.UsageException(String.valueOf(e.getMessage()));
    }
  }

  private static Watching.Mode mode(String value) {
    for (Watching.Mode mode : Watching.Mode.values()) {
      if (mode.name().equalsIgnoreCase(value.strip())) {
        return mode;
      }
    }
    throw new UserErrors.UsageException(
        "'"
            + value
            + "' is not a change source for --watch: use "
            + Arrays.stream(Watching.Mode.values())
                .map(mode -> mode.name().toLowerCase(Locale.ROOT))
                .collect(Collectors.joining(", ")));
  }
}
