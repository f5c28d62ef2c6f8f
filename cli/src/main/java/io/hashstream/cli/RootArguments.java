package io.hashstream.cli;

import io.hashstream.schemas.FileKey;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Parses {@code --root NAME=DIR} arguments, refusing each mistake with one line. */
final class RootArguments {
  private RootArguments() {}

  static Map<String, Path> parse(List<String> arguments) {
    if (arguments.isEmpty()) {
      throw new UserErrors.UsageException("at least one --root NAME=DIR is needed");
    }
    Map<String, Path> roots = new LinkedHashMap<>();
    for (String argument : arguments) {
      int equals = argument.indexOf('=');
      if (equals <= 0 || equals == argument.length() - 1) {
        throw new UserErrors.UsageException(
            "--root takes NAME=DIR, not '" + argument + "'");
      }
      String name = argument.substring(0, equals);
      Path directory = Path.of(argument.substring(equals + 1)).toAbsolutePath().normalize();
      if (!FileKey.isValidRoot(name)) {
        throw new UserErrors.UsageException(
            "the root name '" + name + "' is invalid: use letters, digits, '.', '_' and '-' only");
      }
      if (roots.containsKey(name)) {
        throw new UserErrors.UsageException("the root name '" + name + "' is given twice");
      }
      if (!Files.exists(directory)) {
        throw new UserErrors.UsageException("the directory of root '" + name + "' does not exist: " + directory);
      }
      if (!Files.isDirectory(directory)) {
        throw new UserErrors.UsageException("the root '" + name + "' is not a directory: " + directory);
      }
      roots.put(name, directory);
    }
    return roots;
  }
}
