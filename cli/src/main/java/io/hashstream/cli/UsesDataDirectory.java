package io.hashstream.cli;

import java.nio.file.Path;

/** A command whose logs belong in the data directory it works on. */
interface UsesDataDirectory {
  Path dataDirectory();
}
