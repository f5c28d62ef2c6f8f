package io.hashstream.schemas.serde;

import io.hashstream.schemas.TrustedAvroClasses;
import io.hashstream.schemas.internal.ConfigValues;
import io.hashstream.schemas.internal.Incompatibilities;
import io.hashstream.schemas.internal.RegistryClient;
import io.hashstream.schemas.internal.RegistrySettings;
import io.hashstream.schemas.internal.UnparsableSchemaException;
import io.hashstream.schemas.internal.WireFormat;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.AvroRuntimeException;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.IndexedRecord;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.DatumReader;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.Deserializer;
import org.jspecify.annotations.Nullable;

/**
 * Reads Avro records in the Confluent wire format (magic byte {@code 0}, 4-byte big-endian schema
 * id, Avro binary). The writer's schema comes from the registry by id (cached); it is resolved
 * against the reader's schema, so records written with an earlier or later version stay readable
 * as long as the versions are compatible.
 *
 * <p>The reader's schema:
 *
 * <ul>
 *   <li>a given class ({@link #AvroDeserializer(Class)}, or {@code specific.avro.value.type} /
 *       {@code specific.avro.key.type}): every record is read as that generated class;
 *   <li>{@code specific.avro.reader=true}: the generated class named like the writer's schema;
 *   <li>otherwise, as in Confluent's deserializer, a {@code GenericRecord} in the writer's schema.
 * </ul>
 *
 * <p>A null value (a tombstone) reads as null. Anything else that cannot be decoded fails: {@link
 * InvalidRecordException} if the record will never decode (dead-letter it), {@link
 * RegistryUnavailableException} if the registry is down (retry it). Never a silent null. The Kafka
 * consumer wraps either in a {@code RecordDeserializationException} that adds partition and
 * offset; {@link SerdeFailures#classify} tells them apart through it. Thread-safe.
 *
 * @param <T> the record type
 */
public final class AvroDeserializer<T extends IndexedRecord> implements Deserializer<T> {
  static {
    TrustedAvroClasses.install();
  }

  private @Nullable RegistryClient registry;
  private @Nullable Class<?> type;
  private boolean specific;
  private final Map<Integer, Reader> readers = new ConcurrentHashMap<>();

  /** An unconfigured deserializer, as Kafka creates it from a class name; call {@link #configure}. */
  public AvroDeserializer() {}

  /** A deserializer that reads every record as {@code type}; call {@link #configure}. */
  public AvroDeserializer(Class<T> type) {
    this.type = type;
    this.specific = true;
  }

  /** A configured deserializer that reads every record as {@code type}. */
  public AvroDeserializer(Class<T> type, Map<String, ?> configs, boolean isKey) {
    this(type);
    configure(configs, isKey);
  }

  @Override
  public void configure(Map<String, ?> configs, boolean isKey) {
    Map<String, Object> parsed = SerdeConfig.definition().parse(configs);
    AvroSerializer.requireTopicNameStrategy(
        parsed,
        isKey ? SerdeConfig.KEY_SUBJECT_NAME_STRATEGY : SerdeConfig.VALUE_SUBJECT_NAME_STRATEGY);
    Object configured =
        parsed.get(isKey ? SerdeConfig.SPECIFIC_AVRO_KEY_TYPE : SerdeConfig.SPECIFIC_AVRO_VALUE_TYPE);
    if (configured instanceof Class<?> configuredType) {
      if (!SpecificRecord.class.isAssignableFrom(configuredType)) {
        throw new org.apache.kafka.common.config.ConfigException(
            isKey ? SerdeConfig.SPECIFIC_AVRO_KEY_TYPE : SerdeConfig.SPECIFIC_AVRO_VALUE_TYPE,
            configuredType.getName(),
            "not a generated Avro class (a SpecificRecord)");
      }
      type = configuredType;
    }
    specific = type != null || ConfigValues.bool(parsed, SerdeConfig.SPECIFIC_AVRO_READER);
    RegistryClient previous = registry;
    registry = new RegistryClient(RegistrySettings.from(parsed));
    if (previous != null) {
      previous.close();
    }
    readers.clear();
  }

  @Override
  public @Nullable T deserialize(String topic, byte @Nullable [] data) {
    if (data == null) {
      return null;
    }
    if (data.length < WireFormat.HEADER_SIZE) {
      if (data.length > 0 && data[0] != WireFormat.MAGIC_BYTE) {
        throw wrongMagic(topic, data[0]);
      }
      throw new InvalidRecordException(
          topic,
          "the value is "
              + data.length
              + (data.length == 1 ? " byte" : " bytes")
              + " long, shorter than the wire format's header (magic byte 0 and a 4-byte schema"
              + " id): truncated",
          null);
    }
    if (data[0] != WireFormat.MAGIC_BYTE) {
      throw wrongMagic(topic, data[0]);
    }
    int id = WireFormat.schemaId(data);
    Reader reader = reader(topic, id);
    BinaryDecoder decoder =
        DecoderFactory.get()
            .binaryDecoder(data, WireFormat.HEADER_SIZE, data.length - WireFormat.HEADER_SIZE, null);
    Object value;
    try {
      value = reader.datumReader().read(null, decoder);
      if (!decoder.isEnd()) {
        throw new InvalidRecordException(
            topic,
            "schema id "
                + id
                + " ("
                + reader.writer().getFullName()
                + "): the body has bytes left over after the record; it was not written with this"
                + " schema",
            null);
      }
    } catch (IOException | AvroRuntimeException | IndexOutOfBoundsException
        | NegativeArraySizeException | ClassCastException | IllegalArgumentException e) {
      throw new InvalidRecordException(
          topic,
          "schema id "
              + id
              + " ("
              + reader.writer().getFullName()
              + "): the body is truncated or malformed ("
              + data.length
              + " bytes in all): "
              + e,
          e);
    }
    return cast(value);
  }

  @Override
  public @Nullable T deserialize(String topic, Headers headers, byte @Nullable [] data) {
    return deserialize(topic, data);
  }

  @Override
  public void close() {
    RegistryClient client = registry;
    registry = null;
    if (client != null) {
      client.close();
    }
  }

  @SuppressWarnings("unchecked") // T is the configured reader type, which the reader produces.
  private T cast(Object value) {
    return (T) value;
  }

  private static InvalidRecordException wrongMagic(String topic, byte magic) {
    return new InvalidRecordException(
        topic,
        String.format(
            "unknown magic byte 0x%02x (expected 0x00, the Confluent wire format): the value was"
                + " not written by a Confluent-compatible Avro serializer",
            magic & 0xff),
        null);
  }

  private Reader reader(String topic, int id) {
    Reader cached = readers.get(id);
    if (cached != null) {
      return cached;
    }
    Reader created = createReader(topic, id);
    readers.putIfAbsent(id, created);
    return created;
  }

  private Reader createReader(String topic, int id) {
    RegistryClient client = registry;
    if (client == null) {
      throw new IllegalStateException(
          "AvroDeserializer is not configured: call configure(...) or let Kafka create it");
    }
    Schema writer;
    try {
      writer = client.schemaById(id);
    } catch (RegistryRequestException e) {
      if (e.status() == 404) {
        throw new InvalidRecordException(
            topic,
            "schema id "
                + id
                + " is unknown to the schema registry (HTTP 404, error code "
                + e.errorCode()
                + ": "
                + e.registryMessage()
                + ")",
            e);
      }
      throw e;
    } catch (UnparsableSchemaException e) {
      throw new InvalidRecordException(topic, "schema id " + id + ": " + e.getMessage(), e);
    }
    if (!specific) {
      return new Reader(writer, new GenericDatumReader<>(writer, writer, GenericData.get()));
    }
    Class<?> readerType = type;
    if (readerType == null) {
      readerType = classNamed(topic, id, writer);
    }
    SpecificData model = modelFor(readerType);
    Schema readerSchema = model.getSchema(readerType);
    if (!namesMatch(readerSchema, writer)) {
      throw new InvalidRecordException(
          topic,
          "schema id "
              + id
              + " writes "
              + writer.getFullName()
              + ", which this deserializer does not read as "
              + readerSchema.getFullName(),
          null);
    }
    List<String> problems =
        Incompatibilities.of(
            readerSchema, writer, readerSchema.getFullName() + " (this reader)", "schema id " + id);
    if (!problems.isEmpty()) {
      throw new InvalidRecordException(topic, String.join("; ", problems), null);
    }
    DatumReader<Object> datumReader = new SpecificDatumReader<>(writer, readerSchema, model);
    return new Reader(writer, datumReader);
  }

  private static Class<?> classNamed(String topic, int id, Schema writer) {
    SpecificData lookup = new SpecificData(contextLoader());
    Class<?> found = lookup.getClass(writer);
    if (found == null || !SpecificRecord.class.isAssignableFrom(found)) {
      throw new InvalidRecordException(
          topic,
          "schema id "
              + id
              + " writes "
              + writer.getFullName()
              + ", and specific.avro.reader=true, but no generated class of that name is on the"
              + " class path",
          null);
    }
    return found;
  }

  private static ClassLoader contextLoader() {
    ClassLoader context = Thread.currentThread().getContextClassLoader();
    return context != null ? context : AvroDeserializer.class.getClassLoader();
  }

  /**
   * A model that finds nested generated classes (records, enums) in the reader class's own loader
   * and converts logical types as the generated class does.
   */
  private static SpecificData modelFor(Class<?> readerType) {
    SpecificData model = new SpecificData(readerType.getClassLoader());
    for (var conversion : SpecificData.getForClass(readerType).getConversions()) {
      model.addLogicalTypeConversion(conversion);
    }
    return model;
  }

  private static boolean namesMatch(Schema reader, Schema writer) {
    return reader.getFullName().equals(writer.getFullName())
        || reader.getAliases().contains(writer.getFullName());
  }

  /** How to read the records of one schema id. */
  private record Reader(Schema writer, DatumReader<?> datumReader) {}

  @Override
  public String toString() {
    return "AvroDeserializer[" + (type == null ? (specific ? "specific" : "generic") : type) + "]";
  }
}
