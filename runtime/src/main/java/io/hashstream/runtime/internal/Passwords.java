package io.hashstream.runtime.internal;

import io.hashstream.runtime.Principal;
import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Properties;

/**
 * The secured runtime's secrets, one file readable by its owner alone: a password per {@link
 * Principal}, the controller listener's and the key stores'. A missing entry is generated at start,
 * so removing a user's line (or changing it) and restarting rotates that password.
 */
public final class Passwords {
  static final String STORE = "keystores";
  static final String CONTROLLER = "controller";
  private static final int BYTES = 24;

  private final Properties values;
  private final boolean changed;

  private Passwords(Properties values, boolean changed) {
    this.values = values;
    this.changed = changed;
  }

  /** Reads {@code file}, adds what it lacks and writes it back if it did. */
  public static Passwords loadOrCreate(Path file) throws IOException {
    Properties values = new Properties();
    if (Files.isRegularFile(file)) {
      try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
        values.load(in);
      }
    }
    SecureRandom random = new SecureRandom();
    boolean changed = false;
    for (String key : keys()) {
      String value = values.getProperty(key);
      if (value == null || value.isBlank()) {
        byte[] bytes = new byte[BYTES];
        random.nextBytes(bytes);
        values.setProperty(key, Base64.getUrlEncoder().withoutPadding().encodeToString(bytes));
        changed = true;
      }
    }
    if (changed) {
      OwnerOnly.createFile(file);
      try (Writer out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
        values.store(out, "hashstream's secured runtime: change or remove a user's line and restart to rotate it");
      }
    }
    return new Passwords(values, changed);
  }

  private static String[] keys() {
    Principal[] principals = Principal.values();
    String[] keys = new String[principals.length + 2];
    for (int i = 0; i < principals.length; i++) {
      keys[i] = principals[i].userName();
    }
    keys[principals.length] = STORE;
    keys[principals.length + 1] = CONTROLLER;
    return keys;
  }

  /** Whether this start generated a password. */
  public boolean changed() {
    return changed;
  }

  public String of(Principal principal) {
    return require(principal.userName());
  }

  public String stores() {
    return require(STORE);
  }

  public String controller() {
    return require(CONTROLLER);
  }

  private String require(String key) {
    String value = values.getProperty(key);
    if (value == null) {
      throw new IllegalStateException("loadOrCreate fills every key");
    }
    return value;
  }
}
