package io.hashstream.schemas;

import org.apache.avro.util.ClassSecurityValidator;
import org.apache.avro.util.ClassSecurityValidator.ClassSecurityPredicate;

/**
 * Lets Avro instantiate hashstream's generated classes. Avro 1.12.2 refuses to load classes outside
 * its trusted set ({@code SecurityException: Forbidden ...}) unless a system property names them;
 * {@link #install()} adds the package {@code io.hashstream.schemas.avro} to the global predicate,
 * composed with whatever was trusted before, so no user has to pass a property.
 *
 * <p>hashstream's serde installs it when it is loaded. Code that reads hashstream's records with
 * another deserializer (Confluent's, Apicurio's) in specific-record mode calls {@link #install()}
 * once before it starts consuming.
 */
public final class TrustedAvroClasses {
  /** The package of the generated classes. */
  public static final String PACKAGE = "io.hashstream.schemas.avro";

  private static final ClassSecurityPredicate HASHSTREAM =
      type -> type.getPackageName().equals(PACKAGE);

  private static boolean installed;

  private TrustedAvroClasses() {}

  /** Trusts {@link #PACKAGE} in addition to what Avro trusted so far; idempotent. */
  public static synchronized void install() {
    if (installed) {
      return;
    }
    ClassSecurityPredicate before = ClassSecurityValidator.getGlobal();
    ClassSecurityValidator.setGlobal(ClassSecurityValidator.composite(before, HASHSTREAM));
    installed = true;
  }

  /** Whether Avro trusts {@code type} now. */
  public static boolean isTrusted(Class<?> type) {
    return ClassSecurityValidator.getGlobal().isTrusted(type);
  }
}
