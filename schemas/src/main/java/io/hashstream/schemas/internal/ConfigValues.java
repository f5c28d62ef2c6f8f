package io.hashstream.schemas.internal;

import java.util.Map;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.types.Password;
import org.jspecify.annotations.Nullable;

/** Typed reads of a configuration parsed by {@code SerdeConfig.definition().parse(...)}. */
public final class ConfigValues {
  private ConfigValues() {}

  /** A boolean property with a default. */
  public static boolean bool(Map<String, Object> parsed, String name) {
    return required(parsed, name, Boolean.class);
  }

  /** An int property with a default. */
  public static int integer(Map<String, Object> parsed, String name) {
    return required(parsed, name, Integer.class);
  }

  /** A long property with a default. */
  public static long longValue(Map<String, Object> parsed, String name) {
    return required(parsed, name, Long.class);
  }

  /** A string property, "" when unset. */
  public static String string(Map<String, Object> parsed, String name) {
    String value = optionalString(parsed, name);
    return value == null ? "" : value;
  }

  /** A string property, null when unset. */
  public static @Nullable String optionalString(Map<String, Object> parsed, String name) {
    Object value = parsed.get(name);
    return value == null ? null : value.toString();
  }

  /** A password property in clear, null when unset. */
  public static @Nullable String password(Map<String, Object> parsed, String name) {
    Object value = parsed.get(name);
    if (value instanceof Password password) {
      return password.value();
    }
    return value == null ? null : value.toString();
  }

  private static <V> V required(Map<String, Object> parsed, String name, Class<V> type) {
    Object value = parsed.get(name);
    if (!type.isInstance(value)) {
      throw new ConfigException(name, value, "expected a " + type.getSimpleName());
    }
    return type.cast(value);
  }
}
