package io.hashstream.nativeio;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Opens paths under a root with each opener and prints one line per outcome: {@link
 * UnreadableTest} runs it in a child JVM as an unprivileged user (root ignores file permissions).
 *
 * <p>Arguments: the root's real path, then relative paths.
 */
public final class UnreadableProbe {
  static final String PREFIX = "outcome ";

  private UnreadableProbe() {}

  public static void main(String[] args) throws Exception {
    System.out.println("native " + LinuxSupport.unavailable().orElse("available"));
    probe(Path.of(args[0]), List.of(args).subList(1, args.length)).forEach(System.out::println);
  }

  /** {@code outcome <opener> <path> <OutcomeType> <reason>} per opener and path. */
  static List<String> probe(Path rootReal, List<String> paths) throws Exception {
    List<String> lines = new ArrayList<>();
    try (RootDirectory root = RootDirectory.open(rootReal)) {
      Map<String, FileOpener> openers = new java.util.LinkedHashMap<>();
      FileOpener.linux().ifPresent(opener -> openers.put("linux", opener));
      openers.put("java", FileOpener.java());
      for (Map.Entry<String, FileOpener> opener : openers.entrySet()) {
        try (FileOpener using = opener.getValue()) {
          for (String path : paths) {
            OpenOutcome outcome = using.open(root, path);
            String reason =
                switch (outcome) {
                  case OpenOutcome.Opened opened -> {
                    opened.file().close();
                    yield "";
                  }
                  case OpenOutcome.Unreadable unreadable -> unreadable.reason();
                  case OpenOutcome.Refused refused -> refused.reason();
                  case OpenOutcome.NotInTree notInTree -> notInTree.reason();
                  case OpenOutcome.NotRegular notRegular -> notRegular.state().kind().toString();
                  case OpenOutcome.Gone gone -> "";
                };
            lines.add(
                PREFIX + opener.getKey() + " " + path + " " + outcome.getClass().getSimpleName() + " " + reason);
          }
        }
      }
    }
    return lines;
  }
}
