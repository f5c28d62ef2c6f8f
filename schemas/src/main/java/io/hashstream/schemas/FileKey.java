package io.hashstream.schemas;

import io.hashstream.schemas.avro.FileChangeEvent;
import io.hashstream.schemas.avro.HashResult;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * The key of both hashstream topics: the UTF-8 string {@code <root>/<path>}.
 *
 * <p>{@code root} names a watched root and matches {@code [A-Za-z0-9._-]+}, so the first {@code
 * /} of a key separates it from {@code path}. {@code path} is the file's path relative to the
 * root: segments separated by {@code /}, none of them empty, {@code .} or {@code ..}, and no NUL.
 * Any other Unicode is allowed: spaces, leading dashes, non-ASCII letters, even U+FFFD. A string
 * with an unpaired surrogate has no UTF-8 form and is refused.
 *
 * <p>Files whose names are not valid UTF-8 have no key: see {@link #of(String, Path)}.
 *
 * @param root the watched root's name
 * @param path the path relative to the root, with {@code /} separators
 */
public record FileKey(String root, String path) {
  private static final Pattern ROOT = Pattern.compile("[A-Za-z0-9._-]+");

  /**
   * @throws IllegalArgumentException if {@code root} or {@code path} breaks the rules above
   */
  public FileKey {
    requireValidRoot(root);
    String problem = pathProblem(path);
    if (problem != null) {
      throw new IllegalArgumentException("invalid relative path '" + path + "': " + problem);
    }
  }

  /** The key of an event. */
  public static FileKey of(FileChangeEvent event) {
    return new FileKey(event.getRoot(), event.getPath());
  }

  /** The key of a hash result. */
  public static FileKey of(HashResult result) {
    return new FileKey(result.getRoot(), result.getPath());
  }

  /**
   * The key of a file below a root, from its path relative to the root (as {@code
   * rootDirectory.relativize(file)} gives it), its name elements joined with {@code /}.
   *
   * @throws NonUtf8NameException if a name element is not valid UTF-8, or is not representable in
   *     the JVM's file-name encoding ({@code sun.jnu.encoding}, which follows the locale): such a
   *     file is reported, never published under a mangled name
   * @throws IllegalArgumentException if {@code relative} is absolute, empty, or has {@code .} or
   *     {@code ..} elements
   */
  public static FileKey of(String root, Path relative) {
    if (relative.isAbsolute()) {
      throw new IllegalArgumentException("not a relative path: " + relative);
    }
    if (!FileNames.isRepresentable(relative)) {
      throw NonUtf8NameException.in(relative);
    }
    List<String> names = new ArrayList<>(relative.getNameCount());
    for (Path name : relative) {
      names.add(name.toString());
    }
    return new FileKey(root, String.join("/", names));
  }

  /**
   * Parses a key.
   *
   * @throws IllegalArgumentException if {@code key} has no {@code /}, or its parts break the rules
   */
  public static FileKey parse(String key) {
    int slash = key.indexOf('/');
    if (slash < 0) {
      throw new IllegalArgumentException("invalid key '" + key + "': no '/' after the root name");
    }
    return new FileKey(key.substring(0, slash), key.substring(slash + 1));
  }

  /**
   * Parses a key from the bytes of a Kafka record key, which must be well-formed UTF-8.
   *
   * @throws IllegalArgumentException if the bytes are not UTF-8 or the key is invalid
   */
  public static FileKey parse(byte[] key) {
    try {
      return parse(
          StandardCharsets.UTF_8
              .newDecoder()
              .onMalformedInput(CodingErrorAction.REPORT)
              .onUnmappableCharacter(CodingErrorAction.REPORT)
              .decode(ByteBuffer.wrap(key))
              .toString());
    } catch (CharacterCodingException e) {
      throw new IllegalArgumentException("invalid key: its bytes are not UTF-8", e);
    }
  }

  /** Whether {@code root} is a valid root name: {@code [A-Za-z0-9._-]+}. */
  public static boolean isValidRoot(String root) {
    return ROOT.matcher(root).matches();
  }

  /**
   * Returns {@code root} if it is a valid root name.
   *
   * @throws IllegalArgumentException otherwise, naming the rule
   */
  public static String requireValidRoot(String root) {
    if (!isValidRoot(root)) {
      throw new IllegalArgumentException(
          "invalid root name '" + root + "': it must match [A-Za-z0-9._-]+");
    }
    return root;
  }

  /** Whether {@code path} is a valid relative path (see the class comment). */
  public static boolean isValidPath(String path) {
    return pathProblem(path) == null;
  }

  private static @Nullable String pathProblem(String path) {
    if (path.isEmpty()) {
      return "it is empty";
    }
    if (path.indexOf('\0') >= 0) {
      return "it contains NUL";
    }
    for (int i = 0; i < path.length(); i++) {
      char c = path.charAt(i);
      if (Character.isHighSurrogate(c)
          && i + 1 < path.length()
          && Character.isLowSurrogate(path.charAt(i + 1))) {
        i++;
      } else if (Character.isSurrogate(c)) {
        return "it contains an unpaired surrogate (no UTF-8 form)";
      }
    }
    for (String segment : path.split("/", -1)) {
      if (segment.isEmpty()) {
        return "it has an empty segment (a leading, trailing or doubled '/')";
      }
      if (segment.equals(".") || segment.equals("..")) {
        return "it has a '" + segment + "' segment";
      }
    }
    return null;
  }

  /** The key as a string: {@code <root>/<path>}. */
  public String key() {
    return root + "/" + path;
  }

  /** The key's UTF-8 bytes, as Kafka's {@code StringSerializer} writes them. */
  public byte[] toBytes() {
    return key().getBytes(StandardCharsets.UTF_8);
  }

  /** The key: {@code <root>/<path>}. */
  @Override
  public String toString() {
    return key();
  }
}
