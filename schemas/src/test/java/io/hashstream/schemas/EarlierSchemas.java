package io.hashstream.schemas;

import io.hashstream.schemas.avro.HashResult;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.Schema;

/**
 * Earlier versions of the current schemas that differ by one added field, for the evolution tests:
 * the current schema less that field is what the version before it was, with no copy to drift.
 */
public final class EarlierSchemas {
  /** {@code HashResult} before its {@code digests} field. */
  public static final Schema HASH_RESULT_BEFORE_DIGESTS =
      withoutField(HashResult.getClassSchema(), "digests");

  private EarlierSchemas() {}

  /** {@code schema} without the field {@code name}. */
  public static Schema withoutField(Schema schema, String name) {
    List<Schema.Field> fields = new ArrayList<>();
    for (Schema.Field field : schema.getFields()) {
      if (!field.name().equals(name)) {
        fields.add(new Schema.Field(field, field.schema()));
      }
    }
    if (fields.size() == schema.getFields().size()) {
      throw new IllegalArgumentException(schema.getFullName() + " has no field " + name);
    }
    return Schema.createRecord(schema.getName(), schema.getDoc(), schema.getNamespace(), false, fields);
  }
}
