package io.hashstream.schemas.serde;

import io.hashstream.schemas.Topics;
import io.hashstream.schemas.TrustedAvroClasses;
import io.hashstream.schemas.internal.ConfigValues;
import io.hashstream.schemas.internal.Incompatibilities;
import io.hashstream.schemas.internal.RegistryClient;
import io.hashstream.schemas.internal.RegistrySettings;
import io.hashstream.schemas.internal.WireFormat;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.generic.IndexedRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DatumWriter;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecordBase;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.Serializer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes Avro records in the Confluent wire format: magic byte {@code 0}, the 4-byte big-endian
 * schema id, then the record's Avro binary encoding. The subject is {@code <topic>-value} (or
 * {@code -key}), Confluent's {@code TopicNameStrategy}.
 *
 * <p>Which id a record is written with:
 *
 * <ul>
 *   <li>{@code auto.register.schemas=true} (the default): the record's schema is registered on
 *       first use. When hashstream creates a subject that has no compatibility setting of its own,
 *       it first sets {@code FULL_TRANSITIVE}; it never changes a setting an operator chose. A
 *       schema the registry refuses as incompatible fails with {@link
 *       IncompatibleSchemaException}, naming the subject and the fields.
 *   <li>{@code auto.register.schemas=false}: the id of the record's exact schema is looked up, and
 *       the serializer fails clearly if it is not registered ({@link RegistryRequestException}).
 *   <li>{@code auto.register.schemas=false, use.latest.version=true}: the subject's latest version
 *       is used. If it differs from the record's schema, the record is resolved into it (fields
 *       the latest lacks are dropped, fields it adds take their defaults), after checking that the
 *       latest version can read the record's schema ({@code latest.compatibility.strict}).
 * </ul>
 *
 * <p>Configure it like any Kafka serializer, by class name in the client configuration or with
 * {@link #configure}; see {@link SerdeConfig} for the properties. Call {@link #prepare} at start to
 * fail fast on an unreachable registry or an incompatible schema. Thread-safe.
 *
 * @param <T> the record type: a generated class, or {@link GenericRecord}
 */
public final class AvroSerializer<T extends IndexedRecord> implements Serializer<T> {
  static {
    TrustedAvroClasses.install();
  }

  /** The compatibility hashstream sets on a subject it creates: see the README. */
  public static final String DEFAULT_COMPATIBILITY = "FULL_TRANSITIVE";

  private static final Logger LOG = LoggerFactory.getLogger(AvroSerializer.class);

  private @Nullable RegistryClient registry;
  private boolean isKey;
  private boolean autoRegister = true;
  private boolean useLatestVersion;
  private boolean latestCompatibilityStrict = true;
  private Duration latestTtl = Duration.ofSeconds(-1);
  private final Map<Target.Key, Target> targets = new ConcurrentHashMap<>();
  private final Set<String> compatibilityChecked = ConcurrentHashMap.newKeySet();
  private final Map<WriterKey, DatumWriter<IndexedRecord>> writers = new ConcurrentHashMap<>();

  /** An unconfigured serializer, as Kafka creates it from a class name; call {@link #configure}. */
  public AvroSerializer() {}

  /** A configured serializer. */
  public AvroSerializer(Map<String, ?> configs, boolean isKey) {
    configure(configs, isKey);
  }

  @Override
  public void configure(Map<String, ?> configs, boolean isKey) {
    Map<String, Object> parsed = SerdeConfig.definition().parse(configs);
    String strategyProperty =
        isKey ? SerdeConfig.KEY_SUBJECT_NAME_STRATEGY : SerdeConfig.VALUE_SUBJECT_NAME_STRATEGY;
    requireTopicNameStrategy(parsed, strategyProperty);
    RegistryClient previous = registry;
    registry = new RegistryClient(RegistrySettings.from(parsed));
    if (previous != null) {
      previous.close();
    }
    this.isKey = isKey;
    this.autoRegister = ConfigValues.bool(parsed, SerdeConfig.AUTO_REGISTER_SCHEMAS);
    this.useLatestVersion = ConfigValues.bool(parsed, SerdeConfig.USE_LATEST_VERSION);
    this.latestCompatibilityStrict =
        ConfigValues.bool(parsed, SerdeConfig.LATEST_COMPATIBILITY_STRICT);
    this.latestTtl =
        Duration.ofSeconds(ConfigValues.longValue(parsed, SerdeConfig.LATEST_CACHE_TTL_SEC));
    targets.clear();
    compatibilityChecked.clear();
  }

  static void requireTopicNameStrategy(Map<String, Object> parsed, String property) {
    Object strategy = parsed.get(property);
    if (strategy != null
        && !strategy.toString().isBlank()
        && !strategy.toString().strip().equals(SerdeConfig.TOPIC_NAME_STRATEGY)
        && !strategy.toString().strip().equals("TopicNameStrategy")) {
      throw new ConfigException(
          property, strategy, "only TopicNameStrategy (subject <topic>-value) is supported");
    }
  }

  /**
   * Resolves the schema id that records of {@code schema} will be written to {@code topic} with,
   * registering the schema if configured to: call it at start so that an unreachable registry, an
   * unregistered schema or an incompatible change fails before anything is produced.
   *
   * @return the schema id
   * @throws IncompatibleSchemaException if the registry refuses the schema as incompatible
   * @throws RegistryRequestException if the schema is not registered (without auto-registration)
   * @throws RegistryUnavailableException if the registry cannot be reached
   */
  public int prepare(String topic, Schema schema) {
    return target(topic, schema).id();
  }

  /** The subject of {@code topic} for this serializer: {@code <topic>-value} or {@code -key}. */
  public String subject(String topic) {
    return isKey ? Topics.keySubject(topic) : Topics.valueSubject(topic);
  }

  @Override
  public byte @Nullable [] serialize(String topic, @Nullable T data) {
    if (data == null) {
      return null;
    }
    Target target = target(topic, data.getSchema());
    ByteArrayOutputStream out = new ByteArrayOutputStream(256);
    ByteBuffer header = ByteBuffer.allocate(WireFormat.HEADER_SIZE);
    WireFormat.writeHeader(header, target.id());
    out.write(header.array(), 0, WireFormat.HEADER_SIZE);
    try {
      target.write(data, out, writer(data, target.schema()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (RuntimeException e) {
      throw new SerializationException(
          "cannot write a " + data.getSchema().getFullName() + " to topic '" + topic + "': " + e,
          e);
    }
    return out.toByteArray();
  }

  @Override
  public byte @Nullable [] serialize(String topic, Headers headers, @Nullable T data) {
    return serialize(topic, data);
  }

  @Override
  public void close() {
    RegistryClient client = registry;
    registry = null;
    if (client != null) {
      client.close();
    }
  }

  private RegistryClient registry() {
    RegistryClient client = registry;
    if (client == null) {
      throw new IllegalStateException(
          "AvroSerializer is not configured: call configure(...) or let Kafka create it");
    }
    return client;
  }

  private Target target(String topic, Schema schema) {
    String subject = subject(topic);
    Target.Key key = new Target.Key(subject, schema);
    Target cached = targets.get(key);
    if (cached != null && !cached.expired()) {
      return cached;
    }
    Target resolved = resolve(subject, schema);
    targets.put(key, resolved);
    return resolved;
  }

  private Target resolve(String subject, Schema schema) {
    RegistryClient client = registry();
    if (autoRegister) {
      ensureCompatibility(client, subject);
      try {
        return Target.exact(client.register(subject, schema), schema);
      } catch (RegistryRequestException e) {
        if (e.status() == 409) {
          throw incompatible(client, subject, schema, e);
        }
        throw e;
      }
    }
    if (useLatestVersion) {
      RegistryClient.Registered latest = latestVersion(client, subject);
      if (latest.schema().equals(schema)) {
        return Target.exact(latest.id(), schema).expiringAfter(latestTtl);
      }
      if (latestCompatibilityStrict) {
        List<String> problems =
            Incompatibilities.of(
                latest.schema(),
                schema,
                "the latest version (" + latest.version() + ", id " + latest.id() + ")",
                "the record's schema");
        if (!problems.isEmpty()) {
          throw new SerializationException(
              "use.latest.version: the latest version of subject '"
                  + subject
                  + "' cannot read records of "
                  + schema.getFullName()
                  + ": "
                  + String.join("; ", problems));
        }
      }
      return Target.resolving(latest.id(), schema, latest.schema()).expiringAfter(latestTtl);
    }
    try {
      return Target.exact(client.lookUpId(subject, schema), schema);
    } catch (RegistryRequestException e) {
      if (e.status() == 404) {
        throw new RegistryRequestException(
            "the schema of "
                + schema.getFullName()
                + " is not registered under subject '"
                + subject
                + "', and auto.register.schemas=false: register it (or let hashstream register it),"
                + " or set use.latest.version=true to write with the subject's latest version ("
                + e.getMessage()
                + ")",
            e.status(),
            e.errorCode(),
            e.registryMessage());
      }
      throw e;
    }
  }

  private static RegistryClient.Registered latestVersion(RegistryClient client, String subject) {
    try {
      return client.latest(subject);
    } catch (RegistryRequestException e) {
      if (e.status() == 404) {
        throw new RegistryRequestException(
            "use.latest.version=true, but subject '"
                + subject
                + "' has no registered version ("
                + e.getMessage()
                + ")",
            e.status(),
            e.errorCode(),
            e.registryMessage());
      }
      throw e;
    }
  }

  /**
   * Sets {@link #DEFAULT_COMPATIBILITY} on a subject that does not exist yet and has no setting of
   * its own; leaves an existing subject, and any setting an operator chose, alone.
   */
  private void ensureCompatibility(RegistryClient client, String subject) {
    if (compatibilityChecked.contains(subject)) {
      return;
    }
    if (client.versions(subject).isEmpty()) {
      var own = client.subjectCompatibility(subject);
      if (own.isEmpty()) {
        setCompatibility(client, subject);
      } else {
        LOG.info(
            "subject '{}' is new and already has compatibility {}; left as it is",
            subject,
            own.get());
      }
    }
    compatibilityChecked.add(subject);
  }

  /**
   * Sets the default compatibility on a new subject. Instances started together race here: the
   * registry answers the later ones 409 (the rule exists), which means another instance set it.
   */
  private static void setCompatibility(RegistryClient client, String subject) {
    try {
      client.setCompatibility(subject, DEFAULT_COMPATIBILITY);
      LOG.info("subject '{}' is new: set its compatibility to {}", subject, DEFAULT_COMPATIBILITY);
    } catch (RegistryRequestException e) {
      if (e.status() != 409) {
        throw e;
      }
      String set = client.subjectCompatibility(subject).orElse("the registry's global level");
      LOG.info("subject '{}' is new; another client set its compatibility to {} first", subject, set);
    }
  }

  private static IncompatibleSchemaException incompatible(
      RegistryClient client, String subject, Schema schema, RegistryRequestException refusal) {
    List<String> findings = new ArrayList<>();
    try {
      for (int version : client.versions(subject)) {
        Schema registered = client.version(subject, Integer.toString(version)).schema();
        String name = "version " + version;
        findings.addAll(Incompatibilities.of(schema, registered, "the new schema", name));
        findings.addAll(Incompatibilities.of(registered, schema, name, "the new schema"));
      }
    } catch (RuntimeException e) {
      findings.add("(the registered versions could not be compared: " + e.getMessage() + ")");
    }
    String compatibility;
    try {
      compatibility = client.subjectCompatibility(subject).orElse("the registry's global level");
    } catch (RuntimeException e) {
      compatibility = "unknown";
    }
    StringBuilder message =
        new StringBuilder("the schema registry refused schema ")
            .append(schema.getFullName())
            .append(" for subject '")
            .append(subject)
            .append("' as incompatible (compatibility ")
            .append(compatibility)
            .append("): ")
            .append(refusal.registryMessage());
    if (!findings.isEmpty()) {
      message.append("; ").append(String.join("; ", findings));
    }
    return new IncompatibleSchemaException(
        message.toString(),
        refusal.status(),
        refusal.errorCode(),
        refusal.registryMessage(),
        subject,
        findings);
  }

  /** Where records of one schema go: the id, and how to write them. */
  private record Target(int id, Schema schema, @Nullable Schema latest, long expiresAtNanos) {
    record Key(String subject, Schema schema) {}

    static Target exact(int id, Schema schema) {
      return new Target(id, schema, null, Long.MAX_VALUE);
    }

    static Target resolving(int id, Schema schema, Schema latest) {
      return new Target(id, schema, latest, Long.MAX_VALUE);
    }

    Target expiringAfter(Duration ttl) {
      if (ttl.isNegative()) {
        return this;
      }
      return new Target(id, schema, latest, System.nanoTime() + ttl.toNanos());
    }

    boolean expired() {
      return expiresAtNanos != Long.MAX_VALUE && System.nanoTime() - expiresAtNanos > 0;
    }

    /** Writes {@code record} with {@code writer}, which writes records of {@link #schema}. */
    void write(IndexedRecord record, ByteArrayOutputStream out, DatumWriter<IndexedRecord> writer)
        throws IOException {
      Schema into = latest;
      if (into == null) {
        encode(writer, record, out);
        return;
      }
      // Resolve the record into the latest version: encode it with its own schema, decode that
      // as the latest (Avro's schema resolution), encode the result with the latest.
      ByteArrayOutputStream own = new ByteArrayOutputStream(256);
      encode(writer, record, own);
      GenericDatumReader<GenericRecord> reader =
          new GenericDatumReader<>(schema, into, GenericData.get());
      GenericRecord resolved =
          reader.read(null, DecoderFactory.get().binaryDecoder(own.toByteArray(), null));
      encode(new GenericDatumWriter<>(into, GenericData.get()), resolved, out);
    }

    private static <R> void encode(DatumWriter<R> writer, R record, ByteArrayOutputStream out)
        throws IOException {
      BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(out, null);
      writer.write(record, encoder);
      encoder.flush();
    }

  }

  /**
   * The writer for records like {@code record} of {@code schema}, made once: building one per
   * record was 39% of the producer's publishing time (bench/e2e's profile). Avro's datum writers
   * keep no state between writes, so one serves every thread that sends.
   */
  private DatumWriter<IndexedRecord> writer(IndexedRecord record, Schema schema) {
    if (record instanceof SpecificRecordBase specific) {
      return writers.computeIfAbsent(
          new WriterKey(schema, specific.getSpecificData()),
          key -> new SpecificDatumWriter<>(schema, specific.getSpecificData()));
    }
    return writers.computeIfAbsent(
        new WriterKey(schema, GenericData.get()),
        key -> new GenericDatumWriter<>(schema, GenericData.get()));
  }

  /** Writers are per schema and per data model (the specific classes or generic records). */
  private record WriterKey(Schema schema, GenericData model) {}
}
