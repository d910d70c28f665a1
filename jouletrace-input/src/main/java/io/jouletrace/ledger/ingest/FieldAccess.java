package io.jouletrace.ledger.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.util.Map;

/**
 * Named fields of one input entry, as the source gave them: JSON keeps its numbers as numbers, CSV
 * hands over text. {@link RecordFields} does all interpretation, so every format maps alike.
 */
@FunctionalInterface
public interface FieldAccess {

  /** The raw value of {@code name}, or {@code null} when the entry lacks it. */
  JsonNode get(String name);

  /** The keys of a JSON object. */
  static FieldAccess of(JsonNode object) {
    return object::get;
  }

  /** Text cells by column name (CSV). */
  static FieldAccess ofText(Map<String, String> cells) {
    return name -> {
      String cell = cells.get(name);
      return cell == null ? null : TextNode.valueOf(cell);
    };
  }
}
