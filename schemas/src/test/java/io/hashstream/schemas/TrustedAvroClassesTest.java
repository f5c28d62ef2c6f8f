package io.hashstream.schemas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hashstream.schemas.avro.FileChangeEvent;
import io.hashstream.schemas.avro.HashResult;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.util.ClassSecurityValidator;
import org.junit.jupiter.api.Test;

class TrustedAvroClassesTest {

  @Test
  void avroAloneRefusesTheGeneratedClassesAndInstallTrustsThem() throws IOException {
    TrustedAvroClasses.install();
    byte[] bytes = encode(new RandomRecords(7).event());

    var installed = ClassSecurityValidator.getGlobal();
    ClassSecurityValidator.setGlobal(ClassSecurityValidator.DEFAULT);
    try {
      assertThatThrownBy(() -> decode(bytes))
          .isInstanceOf(SecurityException.class)
          .hasMessageContaining("Forbidden io.hashstream.schemas.avro.");
    } finally {
      ClassSecurityValidator.setGlobal(installed);
    }

    assertThat(TrustedAvroClasses.isTrusted(FileChangeEvent.class)).isTrue();
    assertThat(TrustedAvroClasses.isTrusted(HashResult.class)).isTrue();
    assertThat(decode(bytes)).isEqualTo(new RandomRecords(7).event());
  }

  @Test
  void installKeepsWhatWasTrustedBeforeAndTrustsNothingElse() {
    TrustedAvroClasses.install();
    TrustedAvroClasses.install();

    assertThat(TrustedAvroClasses.isTrusted(String.class)).isTrue();
    assertThat(TrustedAvroClasses.isTrusted(java.math.BigDecimal.class)).isTrue();
    assertThat(TrustedAvroClasses.isTrusted(java.io.File.class)).isFalse();
    assertThat(TrustedAvroClasses.isTrusted(TrustedAvroClasses.class)).isFalse();
  }

  private static byte[] encode(FileChangeEvent event) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(out, null);
    new SpecificDatumWriter<>(FileChangeEvent.class).write(event, encoder);
    encoder.flush();
    return out.toByteArray();
  }

  private static FileChangeEvent decode(byte[] bytes) throws IOException {
    return new SpecificDatumReader<>(FileChangeEvent.class)
        .read(null, DecoderFactory.get().binaryDecoder(bytes, null));
  }
}
