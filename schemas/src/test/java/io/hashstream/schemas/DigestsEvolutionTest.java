package io.hashstream.schemas;

import static java.util.Objects.requireNonNull;
import static org.assertj.core.api.Assertions.assertThat;

import io.hashstream.schemas.avro.HashResult;
import io.hashstream.schemas.avro.HashStatus;
import io.hashstream.schemas.avro.NamedDigest;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.SchemaCompatibilityType;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificDatumWriter;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The {@code digests} field of {@code HashResult} is a FULL_TRANSITIVE change: readers of the
 * schema just before it (the current one without the field) and of the first version read the new
 * records, seeded random ones with up to four digests, and the current reader reads theirs.
 * SchemaEvolutionIT proves the same against the registry.
 */
class DigestsEvolutionTest {
  private static final String[] ALGORITHMS = {"SHA-256", "BLAKE3", "XXH3", "SHA3-256", "MD5"};

  /** The schema as it was before the field: the current one less {@code digests}. */
  private static final Schema BEFORE = EarlierSchemas.HASH_RESULT_BEFORE_DIGESTS;

  private final V1Classes v1 = new V1Classes();

  @BeforeAll
  static void trustTheGeneratedClasses() {
    TrustedAvroClasses.install();
  }

  @Test
  void theCurrentSchemaAndEachEarlierOneReadEachOther() {
    for (Schema earlier : List.of(BEFORE, v1.schema("HashResult"))) {
      assertThat(compatibility(earlier, HashResult.getClassSchema()))
          .isEqualTo(SchemaCompatibilityType.COMPATIBLE);
      assertThat(compatibility(HashResult.getClassSchema(), earlier))
          .isEqualTo(SchemaCompatibilityType.COMPATIBLE);
    }
    assertThat(BEFORE.getField("digests")).isNull();
    assertThat(HashResult.getClassSchema().getField("digests").defaultVal())
        .isEqualTo(org.apache.avro.JsonProperties.NULL_VALUE);
  }

  @Test
  void aReaderOfTheSchemaBeforeReadsEveryFieldItKnowsOfANewRecord() throws IOException {
    RandomRecords random = new RandomRecords(2201);
    for (int i = 0; i < 200; i++) {
      HashResult current = withDigests(random.result(), random.random());
      byte[] bytes = encode(current);

      GenericRecord old = decode(bytes, HashResult.getClassSchema(), BEFORE);
      assertThat(old.getSchema().getField("digests")).isNull();
      assertThat(old.get("algorithm")).hasToString("SHA-256");
      assertThat((ByteBuffer) old.get("digest")).isEqualTo(current.getDigest());

      // What the old reader holds is the whole record but the new field: written back with its
      // schema and read by the current one, it is the record with digests at their default.
      HashResult roundTrip = decodeCurrent(encode(old, BEFORE), BEFORE);
      assertThat(roundTrip).isEqualTo(HashResult.newBuilder(current).setDigests(null).build());
    }
  }

  @Test
  void aReaderOfTheFirstVersionReadsANewRecordsDigest() throws IOException {
    RandomRecords random = new RandomRecords(2202);
    Schema first = v1.schema("HashResult");
    // A model that finds the old classes, with their logical type conversions, as an old reader
    // has it.
    SpecificData model = new SpecificData(v1);
    SpecificData own = (SpecificData) requireNonNull(V1Classes.invoke(v1Instance(), "getSpecificData"));
    own.getConversions().forEach(model::addLogicalTypeConversion);
    for (int i = 0; i < 50; i++) {
      HashResult current = withDigests(random.result(), random.random());
      current.setStatus(HashStatus.HASHED);
      byte[] bytes = encode(current);
      var reader = new SpecificDatumReader<Object>(HashResult.getClassSchema(), first, model);
      Object read = reader.read(null, DecoderFactory.get().binaryDecoder(bytes, null));
      assertThat(read.getClass()).isSameAs(v1.type("HashResult"));
      assertThat(V1Classes.invoke(read, "getAlgorithm")).hasToString("SHA-256");
      assertThat(V1Classes.invoke(read, "getDigest")).isEqualTo(current.getDigest());
      assertThat(V1Classes.invoke(read, "getPath")).hasToString(current.getPath());
    }
  }

  @Test
  void theCurrentReaderReadsARecordOfTheSchemaBeforeWithNoDigests() throws IOException {
    RandomRecords random = new RandomRecords(2203);
    for (int i = 0; i < 50; i++) {
      HashResult before = random.result();
      GenericRecord old = decode(encode(before), HashResult.getClassSchema(), BEFORE);
      HashResult read = decodeCurrent(encode(old, BEFORE), BEFORE);
      assertThat(read.getDigests()).isNull();
      assertThat(read).isEqualTo(before);
    }
  }

  private Object v1Instance() {
    try {
      return v1.type("HashResult").getConstructor().newInstance();
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException(e);
    }
  }

  /** {@code result} with SHA-256 and up to three further digests, or none, as a consumer writes. */
  private static HashResult withDigests(HashResult result, Random random) {
    ByteBuffer first = result.getDigest();
    if (result.getStatus() != HashStatus.HASHED || first == null || random.nextInt(4) == 0) {
      return result;
    }
    List<NamedDigest> digests = new ArrayList<>();
    digests.add(new NamedDigest("SHA-256", first));
    int further = 1 + random.nextInt(ALGORITHMS.length - 1);
    for (int i = 1; i <= further; i++) {
      byte[] digest = new byte[8 + random.nextInt(57)];
      random.nextBytes(digest);
      digests.add(new NamedDigest(ALGORITHMS[i], ByteBuffer.wrap(digest)));
    }
    result.setDigests(digests);
    return result;
  }

  private static SchemaCompatibilityType compatibility(Schema reader, Schema writer) {
    return SchemaCompatibility.checkReaderWriterCompatibility(reader, writer).getType();
  }

  private static byte[] encode(HashResult result) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(out, null);
    new SpecificDatumWriter<>(HashResult.class).write(result, encoder);
    encoder.flush();
    return out.toByteArray();
  }

  private static byte[] encode(GenericRecord record, Schema schema) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(out, null);
    new GenericDatumWriter<GenericRecord>(schema).write(record, encoder);
    encoder.flush();
    return out.toByteArray();
  }

  private static GenericRecord decode(byte[] bytes, Schema writer, Schema reader) throws IOException {
    return new GenericDatumReader<GenericRecord>(writer, reader)
        .read(null, DecoderFactory.get().binaryDecoder(bytes, null));
  }

  private static HashResult decodeCurrent(byte[] bytes, Schema writer) throws IOException {
    @Nullable HashResult none = null;
    return new SpecificDatumReader<HashResult>(writer, HashResult.getClassSchema())
        .read(none, DecoderFactory.get().binaryDecoder(bytes, null));
  }
}
