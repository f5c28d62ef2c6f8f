package io.hashstream.cli;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;

/** A {@code .properties} file a user names on the command line, read as a map. */
final class PropertiesFile {
  private PropertiesFile() {}

  /**
   * @param what how the message names the file, e.g. "the client configuration file"
   * @throws UserErrors.UsageException if the file is missing or unreadable
   */
  static Map<String, String> read(Path file, String what) {
    Properties properties = new Properties();
    try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      properties.load(reader);
    } catch (NoSuchFileException e) {
      throw new UserErrors.UsageException(what + " " + file + " does not exist");
    } catch (IOException | IllegalArgumentException e) {
      throw new UserErrors.UsageException(what + " " + file + " cannot be read: " + e.getMessage());
    }
    Map<String, String> map = new HashMap<>();
    properties.stringPropertyNames().forEach(name -> map.put(name, properties.getProperty(name)));
    return Map.copyOf(map);
  }
}
