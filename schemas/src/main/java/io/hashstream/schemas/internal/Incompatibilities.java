package io.hashstream.schemas.internal;

import java.util.ArrayList;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.Incompatibility;
import org.jspecify.annotations.Nullable;

/** Avro's reader/writer compatibility findings, in words that name the fields concerned. */
public final class Incompatibilities {
  private Incompatibilities() {}

  /**
   * What keeps {@code reader} from reading data written with {@code writer}; empty if nothing.
   *
   * @param readerName the reader's name in the messages, for example "version 1"
   * @param writerName the writer's name in the messages, for example "the new schema"
   */
  public static List<String> of(
      Schema reader, Schema writer, String readerName, String writerName) {
    SchemaCompatibility.SchemaPairCompatibility result =
        SchemaCompatibility.checkReaderWriterCompatibility(reader, writer);
    List<String> findings = new ArrayList<>();
    for (Incompatibility incompatibility : result.getResult().getIncompatibilities()) {
      String location = incompatibility.getLocation();
      String field = fieldPath(reader, location);
      findings.add(
          readerName
              + " cannot read "
              + writerName
              + ": "
              + incompatibility.getType()
              + (field.isEmpty() ? "" : " at field '" + field + "'")
              + " ("
              + location
              + "): "
              + incompatibility.getMessage());
    }
    return findings;
  }

  /**
   * The dotted field path that a location such as {@code /fields/3/type/1/fields/0} points to in
   * {@code schema}: {@code fileIdentity.device}. Empty for the top level.
   */
  static String fieldPath(Schema schema, String location) {
    String[] tokens = location.split("/");
    List<String> names = new ArrayList<>();
    @Nullable Schema current = schema;
    for (int i = 0; i < tokens.length && current != null; i++) {
      String token = tokens[i];
      switch (token) {
        case "", "type", "name", "symbols", "size" -> {
          // A step within the same schema, or a leaf: nothing to follow.
        }
        case "fields" -> {
          Integer index = index(tokens, i + 1);
          if (index == null || current.getType() != Schema.Type.RECORD) {
            return String.join(".", names);
          }
          if (index >= current.getFields().size()) {
            return String.join(".", names);
          }
          Schema.Field field = current.getFields().get(index);
          names.add(field.name());
          current = field.schema();
          i++;
        }
        case "items" -> current = current.getType() == Schema.Type.ARRAY ? current.getElementType() : null;
        case "values" -> current = current.getType() == Schema.Type.MAP ? current.getValueType() : null;
        default -> {
          Integer branch = index(tokens, i);
          if (branch != null
              && current.getType() == Schema.Type.UNION
              && branch < current.getTypes().size()) {
            current = current.getTypes().get(branch);
          }
        }
      }
    }
    return String.join(".", names);
  }

  private static @Nullable Integer index(String[] tokens, int at) {
    if (at >= tokens.length) {
      return null;
    }
    try {
      return Integer.parseInt(tokens[at]);
    } catch (NumberFormatException e) {
      return null;
    }
  }
}
