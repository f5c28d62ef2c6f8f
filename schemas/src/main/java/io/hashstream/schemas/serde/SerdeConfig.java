package io.hashstream.schemas.serde;

import org.apache.kafka.common.config.ConfigDef;

/**
 * The configuration properties {@link AvroSerializer} and {@link AvroDeserializer} accept: the
 * names Confluent's serde and registry client use, so an existing client configuration works
 * unchanged. Properties the serde does not know are ignored (Kafka passes the whole client
 * configuration to a serde).
 */
public final class SerdeConfig {
  /** Comma-separated base URLs of the registry's Confluent-compatible API. Required. */
  public static final String SCHEMA_REGISTRY_URL = "schema.registry.url";

  /** Serializer: register the record's schema on first use (default true). */
  public static final String AUTO_REGISTER_SCHEMAS = "auto.register.schemas";

  /**
   * Serializer: when not auto-registering, write with the subject's latest registered version
   * instead of looking up the id of the record's exact schema (default false).
   */
  public static final String USE_LATEST_VERSION = "use.latest.version";

  /**
   * Serializer, with {@link #USE_LATEST_VERSION}: require that the latest version can read records
   * of the record's own schema (default true).
   */
  public static final String LATEST_COMPATIBILITY_STRICT = "latest.compatibility.strict";

  /** Serializer: seconds to cache the latest version; -1, the default, caches it for good. */
  public static final String LATEST_CACHE_TTL_SEC = "latest.cache.ttl.sec";

  /**
   * Deserializer: return generated (specific) classes instead of {@code GenericRecord}, found by
   * the writer schema's full name (default false, as in Confluent's deserializer).
   */
  public static final String SPECIFIC_AVRO_READER = "specific.avro.reader";

  /** Deserializer of values: the generated class to read every value as (implies specific). */
  public static final String SPECIFIC_AVRO_VALUE_TYPE = "specific.avro.value.type";

  /** Deserializer of keys: the generated class to read every key as (implies specific). */
  public static final String SPECIFIC_AVRO_KEY_TYPE = "specific.avro.key.type";

  /** Subject naming of values; only Confluent's {@code TopicNameStrategy} is supported. */
  public static final String VALUE_SUBJECT_NAME_STRATEGY = "value.subject.name.strategy";

  /** Subject naming of keys; only Confluent's {@code TopicNameStrategy} is supported. */
  public static final String KEY_SUBJECT_NAME_STRATEGY = "key.subject.name.strategy";

  /** Confluent's name of the one supported subject name strategy. */
  public static final String TOPIC_NAME_STRATEGY =
      "io.confluent.kafka.serializers.subject.TopicNameStrategy";

  /** Where basic-auth credentials come from: {@code URL} (the default) or {@code USER_INFO}. */
  public static final String BASIC_AUTH_CREDENTIALS_SOURCE = "basic.auth.credentials.source";

  /** {@code user:password} for {@code USER_INFO}. */
  public static final String BASIC_AUTH_USER_INFO = "basic.auth.user.info";

  /** The same as {@link #BASIC_AUTH_USER_INFO}, under the name Confluent also accepts. */
  public static final String SCHEMA_REGISTRY_BASIC_AUTH_USER_INFO =
      "schema.registry.basic.auth.user.info";

  /** Where a bearer token comes from: only {@code STATIC_TOKEN} is supported. */
  public static final String BEARER_AUTH_CREDENTIALS_SOURCE = "bearer.auth.credentials.source";

  /** The bearer token for {@code STATIC_TOKEN}. */
  public static final String BEARER_AUTH_TOKEN = "bearer.auth.token";

  /** TLS to the registry: the trust store's file. */
  public static final String SSL_TRUSTSTORE_LOCATION = "schema.registry.ssl.truststore.location";

  /** TLS: the trust store's password. */
  public static final String SSL_TRUSTSTORE_PASSWORD = "schema.registry.ssl.truststore.password";

  /** TLS: the trust store's type (default JKS, as in Kafka; PKCS12 is read either way). */
  public static final String SSL_TRUSTSTORE_TYPE = "schema.registry.ssl.truststore.type";

  /** TLS client authentication: the key store's file. */
  public static final String SSL_KEYSTORE_LOCATION = "schema.registry.ssl.keystore.location";

  /** TLS client authentication: the key store's password. */
  public static final String SSL_KEYSTORE_PASSWORD = "schema.registry.ssl.keystore.password";

  /** TLS client authentication: the key store's type (default JKS). */
  public static final String SSL_KEYSTORE_TYPE = "schema.registry.ssl.keystore.type";

  /** TLS client authentication: the key's password (default: the key store's). */
  public static final String SSL_KEY_PASSWORD = "schema.registry.ssl.key.password";

  /** TLS: the protocol of the SSL context (default TLSv1.3). */
  public static final String SSL_PROTOCOL = "schema.registry.ssl.protocol";

  /** TLS: {@code https} (the default) checks the server's host name; an empty value does not. */
  public static final String SSL_ENDPOINT_IDENTIFICATION_ALGORITHM =
      "schema.registry.ssl.endpoint.identification.algorithm";

  /** Retries of a registry request after a connection failure or a 5xx answer (default 3). */
  public static final String MAX_RETRIES = "max.retries";

  /** The wait before the first retry, doubled for each further one (default 1000 ms). */
  public static final String RETRIES_WAIT_MS = "retries.wait.ms";

  /** The longest wait between two retries (default 20000 ms). */
  public static final String RETRIES_MAX_WAIT_MS = "retries.max.wait.ms";

  /** Connect timeout of a registry request (default 10000 ms). */
  public static final String HTTP_CONNECT_TIMEOUT_MS = "http.connect.timeout.ms";

  /** Timeout of a whole registry request once connected (default 30000 ms). */
  public static final String HTTP_READ_TIMEOUT_MS = "http.read.timeout.ms";

  private static final ConfigDef DEFINITION =
      new ConfigDef()
          .define(SCHEMA_REGISTRY_URL, ConfigDef.Type.LIST, ConfigDef.Importance.HIGH, "Registry base URLs.")
          .define(AUTO_REGISTER_SCHEMAS, ConfigDef.Type.BOOLEAN, true, ConfigDef.Importance.MEDIUM, "Register on use.")
          .define(USE_LATEST_VERSION, ConfigDef.Type.BOOLEAN, false, ConfigDef.Importance.MEDIUM, "Use latest.")
          .define(
              LATEST_COMPATIBILITY_STRICT,
              ConfigDef.Type.BOOLEAN,
              true,
              ConfigDef.Importance.LOW,
              "Latest must read ours.")
          .define(LATEST_CACHE_TTL_SEC, ConfigDef.Type.LONG, -1L, ConfigDef.Importance.LOW, "Latest cache TTL.")
          .define(SPECIFIC_AVRO_READER, ConfigDef.Type.BOOLEAN, false, ConfigDef.Importance.MEDIUM, "Specific reader.")
          .define(SPECIFIC_AVRO_VALUE_TYPE, ConfigDef.Type.CLASS, null, ConfigDef.Importance.LOW, "Value class.")
          .define(SPECIFIC_AVRO_KEY_TYPE, ConfigDef.Type.CLASS, null, ConfigDef.Importance.LOW, "Key class.")
          .define(
              VALUE_SUBJECT_NAME_STRATEGY,
              ConfigDef.Type.STRING,
              TOPIC_NAME_STRATEGY,
              ConfigDef.Importance.LOW,
              "Value subject strategy.")
          .define(
              KEY_SUBJECT_NAME_STRATEGY,
              ConfigDef.Type.STRING,
              TOPIC_NAME_STRATEGY,
              ConfigDef.Importance.LOW,
              "Key subject strategy.")
          .define(
              BASIC_AUTH_CREDENTIALS_SOURCE,
              ConfigDef.Type.STRING,
              "URL",
              ConfigDef.Importance.MEDIUM,
              "Basic auth source.")
          .define(BASIC_AUTH_USER_INFO, ConfigDef.Type.PASSWORD, null, ConfigDef.Importance.MEDIUM, "user:password.")
          .define(
              SCHEMA_REGISTRY_BASIC_AUTH_USER_INFO,
              ConfigDef.Type.PASSWORD,
              null,
              ConfigDef.Importance.MEDIUM,
              "user:password.")
          .define(
              BEARER_AUTH_CREDENTIALS_SOURCE, ConfigDef.Type.STRING, null, ConfigDef.Importance.MEDIUM, "Bearer source.")
          .define(BEARER_AUTH_TOKEN, ConfigDef.Type.PASSWORD, null, ConfigDef.Importance.MEDIUM, "Bearer token.")
          .define(SSL_TRUSTSTORE_LOCATION, ConfigDef.Type.STRING, null, ConfigDef.Importance.MEDIUM, "Trust store.")
          .define(SSL_TRUSTSTORE_PASSWORD, ConfigDef.Type.PASSWORD, null, ConfigDef.Importance.MEDIUM, "Password.")
          .define(SSL_TRUSTSTORE_TYPE, ConfigDef.Type.STRING, "JKS", ConfigDef.Importance.LOW, "Trust store type.")
          .define(SSL_KEYSTORE_LOCATION, ConfigDef.Type.STRING, null, ConfigDef.Importance.MEDIUM, "Key store.")
          .define(SSL_KEYSTORE_PASSWORD, ConfigDef.Type.PASSWORD, null, ConfigDef.Importance.MEDIUM, "Password.")
          .define(SSL_KEYSTORE_TYPE, ConfigDef.Type.STRING, "JKS", ConfigDef.Importance.LOW, "Key store type.")
          .define(SSL_KEY_PASSWORD, ConfigDef.Type.PASSWORD, null, ConfigDef.Importance.MEDIUM, "Key password.")
          .define(SSL_PROTOCOL, ConfigDef.Type.STRING, "TLSv1.3", ConfigDef.Importance.LOW, "TLS protocol.")
          .define(
              SSL_ENDPOINT_IDENTIFICATION_ALGORITHM,
              ConfigDef.Type.STRING,
              "https",
              ConfigDef.Importance.LOW,
              "Host name check.")
          .define(MAX_RETRIES, ConfigDef.Type.INT, 3, ConfigDef.Range.atLeast(0), ConfigDef.Importance.LOW, "Retries.")
          .define(
              RETRIES_WAIT_MS, ConfigDef.Type.LONG, 1000L, ConfigDef.Range.atLeast(0), ConfigDef.Importance.LOW, "Wait.")
          .define(
              RETRIES_MAX_WAIT_MS,
              ConfigDef.Type.LONG,
              20000L,
              ConfigDef.Range.atLeast(0),
              ConfigDef.Importance.LOW,
              "Max wait.")
          .define(
              HTTP_CONNECT_TIMEOUT_MS,
              ConfigDef.Type.LONG,
              10000L,
              ConfigDef.Range.atLeast(1),
              ConfigDef.Importance.LOW,
              "Connect timeout.")
          .define(
              HTTP_READ_TIMEOUT_MS,
              ConfigDef.Type.LONG,
              30000L,
              ConfigDef.Range.atLeast(1),
              ConfigDef.Importance.LOW,
              "Request timeout.");

  private SerdeConfig() {}

  /** The definition of every property above, with its type and default. */
  public static ConfigDef definition() {
    return new ConfigDef(DEFINITION);
  }
}
