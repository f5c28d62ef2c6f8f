package io.hashstream.schemas.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.apache.avro.Schema;
import org.junit.jupiter.api.Test;

class IncompatibilitiesTest {
  private static final Schema OLD =
      new Schema.Parser()
          .parse(
              """
              {"type":"record","name":"R","namespace":"x","fields":[
                {"name":"a","type":"string"},
                {"name":"id","type":["null",{"type":"record","name":"Id","fields":[
                  {"name":"device","type":"long"}]}],"default":null}]}
              """);

  @Test
  void namesAFieldAddedWithoutADefault() {
    Schema added =
        new Schema.Parser()
            .parse(
                """
                {"type":"record","name":"R","namespace":"x","fields":[
                  {"name":"a","type":"string"},
                  {"name":"b","type":"int"}]}
                """);

    List<String> findings = Incompatibilities.of(added, OLD, "the new schema", "version 1");

    assertThat(findings).hasSize(1);
    assertThat(findings.getFirst())
        .contains("the new schema cannot read version 1")
        .contains("READER_FIELD_MISSING_DEFAULT_VALUE")
        .contains("b");
  }

  @Test
  void namesANestedFieldWhoseTypeChanged() {
    Schema changed =
        new Schema.Parser()
            .parse(
                """
                {"type":"record","name":"R","namespace":"x","fields":[
                  {"name":"a","type":"string"},
                  {"name":"id","type":["null",{"type":"record","name":"Id","fields":[
                    {"name":"device","type":"string"}]}],"default":null}]}
                """);

    List<String> findings = Incompatibilities.of(changed, OLD, "new", "old");

    assertThat(findings).isNotEmpty();
    // Avro reports a changed record inside a union as a missing union branch of the field.
    assertThat(String.join("\n", findings)).contains("at field 'id'").contains("MISSING_UNION_BRANCH");
  }

  @Test
  void compatibleSchemasHaveNoFindings() {
    assertThat(Incompatibilities.of(OLD, OLD, "a", "b")).isEmpty();
  }

  @Test
  void fieldPathsFollowRecordsUnionsArraysAndMaps() {
    assertThat(Incompatibilities.fieldPath(OLD, "/fields/1/type/1/fields/0/type")).isEqualTo("id.device");
    assertThat(Incompatibilities.fieldPath(OLD, "/fields/0")).isEqualTo("a");
    assertThat(Incompatibilities.fieldPath(OLD, "/")).isEmpty();
    assertThat(Incompatibilities.fieldPath(OLD, "/fields/9")).isEmpty();
  }
}
