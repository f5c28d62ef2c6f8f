package io.hashstream.producer.internal.source;

import io.hashstream.producer.internal.FileState;
import io.hashstream.producer.internal.RootSpec;
import io.hashstream.producer.internal.Stat;
import io.hashstream.schemas.FileNames;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** One directory of a root as a scan sees it: what {@code lstat} shows of each entry, filtered. */
final class DirectoryListing {
  private static final Logger LOG = LoggerFactory.getLogger(DirectoryListing.class);

  private DirectoryListing() {}

  /** What listing a directory found. */
  sealed interface Result {
    /**
     * Its files (anything but a directory) and the subdirectories the root's filter accepts.
     *
     * @param unpublishable entries whose name is not valid UTF-8, left out
     */
    record Listed(List<ChangeSink.Listed> files, List<String> subdirectories, int unpublishable)
        implements Result {}

    /** The directory is gone, or is not a directory any more. */
    record Missing() implements Result {}

    /** It could not be listed (permissions, I/O): what was known of it stands. */
    record Unreadable(IOException cause) implements Result {}
  }

  static Result list(RootSpec root, String relative) {
    Path directory = root.resolve(relative);
    List<ChangeSink.Listed> files = new ArrayList<>();
    List<String> subdirectories = new ArrayList<>();
    int unpublishable = 0;
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(directory)) {
      for (Path entry : entries) {
        Path fileName = entry.getFileName();
        if (fileName == null) {
          continue;
        }
        if (!FileNames.isRepresentable(fileName)) {
          unpublishable++;
          continue;
        }
        String name = fileName.toString();
        String child = RootSpec.child(relative, name);
        FileState state;
        try {
          state = Stat.lstat(entry);
        } catch (IOException e) {
          LOG.warn("cannot examine {}: {}", entry, e.toString());
          continue;
        }
        if (state == null) {
          continue;
        }
        if (state.isDirectory()) {
          if (root.filter().acceptsDirectory(child)) {
            subdirectories.add(name);
          }
        } else if (root.filter().acceptsFile(child)) {
          files.add(new ChangeSink.Listed(name, state));
        }
      }
    } catch (NoSuchFileException | NotDirectoryException e) {
      return new Result.Missing();
    } catch (IOException e) {
      return new Result.Unreadable(e);
    }
    return new Result.Listed(files, subdirectories, unpublishable);
  }
}
