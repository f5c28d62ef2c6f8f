package io.hashstream.producer.internal.source;

import io.hashstream.nativeio.DirectoryReader;
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
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One directory of a root as a scan sees it: what {@code lstat} shows of each entry, filtered. On
 * Linux through {@link DirectoryReader} (one {@code statx} per entry, relative to the directory),
 * elsewhere through the JDK ({@code DirectoryStream} and the {@code unix} attribute view). One per
 * scanning thread: the reader's buffers are that thread's.
 */
final class DirectoryListing implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(DirectoryListing.class);

  private final @Nullable DirectoryReader reader;

  private DirectoryListing(@Nullable DirectoryReader reader) {
    this.reader = reader;
  }

  /** The native reader where it can run, the JDK's listing elsewhere. */
  static DirectoryListing forThisPlatform() {
    return new DirectoryListing(DirectoryReader.open().orElse(null));
  }

  /** Through the JDK only. */
  static DirectoryListing portable() {
    return new DirectoryListing(null);
  }

  @Override
  public void close() {
    if (reader != null) {
      reader.close();
    }
  }

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

  Result list(RootSpec root, String relative) {
    DirectoryReader nativeReader = reader;
    return nativeReader != null ? listNatively(nativeReader, root, relative) : listPortably(root, relative);
  }

  private static Result listNatively(DirectoryReader reader, RootSpec root, String relative) {
    Path directory = root.resolve(relative);
    return switch (reader.read(directory)) {
      case DirectoryReader.Listing.Missing() -> new Result.Missing();
      case DirectoryReader.Listing.Unreadable(String reason) -> new Result.Unreadable(new IOException(reason));
      case DirectoryReader.Listing.Entries(
              List<DirectoryReader.Entry> entries, int unrepresentable, List<DirectoryReader.Unexamined> unexamined) -> {
        List<ChangeSink.Listed> files = new ArrayList<>(entries.size());
        List<String> subdirectories = new ArrayList<>();
        for (DirectoryReader.Entry entry : entries) {
          take(root, relative, entry.name(), Stat.of(entry.state()), files, subdirectories);
        }
        for (DirectoryReader.Unexamined entry : unexamined) {
          // statx could not say (a file system that leaves out a field): lstat through the JDK may.
          FileState state;
          try {
            state = Stat.lstat(directory.resolve(entry.name()));
          } catch (IOException e) {
            LOG.warn("cannot examine {}/{}: {}", directory, entry.name(), entry.reason());
            continue;
          }
          if (state != null) {
            take(root, relative, entry.name(), state, files, subdirectories);
          }
        }
        yield new Result.Listed(files, subdirectories, unrepresentable);
      }
    };
  }

  /** Keeps an entry the root's filter accepts: a subdirectory's name, or a file with its state. */
  private static void take(
      RootSpec root,
      String relative,
      String name,
      FileState state,
      List<ChangeSink.Listed> files,
      List<String> subdirectories) {
    String child = RootSpec.child(relative, name);
    if (state.isDirectory()) {
      if (root.filter().acceptsDirectory(child)) {
        subdirectories.add(name);
      }
    } else if (root.filter().acceptsFile(child)) {
      files.add(new ChangeSink.Listed(name, state));
    }
  }

  private static Result listPortably(RootSpec root, String relative) {
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
        FileState state;
        try {
          state = Stat.lstat(entry);
        } catch (IOException e) {
          LOG.warn("cannot examine {}: {}", entry, e.toString());
          continue;
        }
        if (state != null) {
          take(root, relative, fileName.toString(), state, files, subdirectories);
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
