package io.hashstream.cli;

import io.hashstream.producer.Watching;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** {@code --watch auto|inotify|poll|jdk}, in lower case as the help writes them. */
final class WatchModeConverter implements ITypeConverter<Watching.Mode> {
  @Override
  public Watching.Mode convert(String value) {
    for (Watching.Mode mode : Watching.Mode.values()) {
      if (mode.name().equalsIgnoreCase(value.strip())) {
        return mode;
      }
    }
    throw new TypeConversionException(
        "'"
            + value
            + "' is not a change source: use "
            + Arrays.stream(Watching.Mode.values())
                .map(mode -> mode.name().toLowerCase(Locale.ROOT))
                .collect(Collectors.joining(", ")));
  }
}
