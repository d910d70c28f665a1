package io.jouletrace.stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jouletrace.core.figure.Tier;
import io.jouletrace.core.record.InvocationRecord;
import io.jouletrace.ledger.entry.FigureSet;
import io.jouletrace.ledger.entry.LedgerEntry;
import io.jouletrace.ledger.ingest.Parsed;
import io.jouletrace.ledger.ingest.RecordFields;
import io.jouletrace.ledger.store.Store;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.EnumMap;
import java.util.Map;

/**
 * The JSON on the topics: invocation records in the ledger's record shape (docs/ledger.md), and figured records that
 * carry the record, its figure set (every number as the shortest decimal that reads back to the same double) and its
 * place in its partition's chain. Lossless both ways, so a figured message is a ledger entry.
 */
final class Messages {

  static final ObjectMapper JSON = new ObjectMapper();

  private Messages() {}

  /** A record in the ledger's input JSON shape (what the invocations topic carries). */
  static ObjectNode record(InvocationRecord r) {
    ObjectNode node = RecordFields.json(r);
    return removeNulls(node);
  }

  private static ObjectNode removeNulls(ObjectNode node) {
    var names = new java.util.ArrayList<String>();
    node.properties().forEach(e -> {
      if (e.getValue().isNull()) names.add(e.getKey());
    });
    names.forEach(node::remove);
    return node;
  }

  static Parsed parse(String json, String origin) {
    try {
      return RecordFields.parse(RecordFields.jsonReader().readTree(json), origin);
    } catch (IOException e) {
      return new Parsed.Rejected(origin, "", "not valid JSON: " + e.getMessage());
    }
  }

  /** A figured record: {@code record}, {@code figures}, {@code chain} ({@code partition}, {@code seq}, {@code hash}, {@code source_ref}). */
  static String figured(LedgerEntry entry, int partition) {
    ObjectNode node = JSON.createObjectNode();
    node.set("record", record(entry.record()));
    node.set("figures", JSON.valueToTree(entry.figures()));
    node.putObject("chain").put("partition", partition).put("seq", entry.seq()).put("hash", entry.hash()).put("source_ref", entry.sourceRef());
    return node.toString();
  }

  /** The ledger entry a figured message carries (its seq and hash are its partition's). */
  static LedgerEntry entry(String figured) {
    try {
      JsonNode node = JSON.readTree(figured);
      Parsed parsed = RecordFields.parse(node.get("record"), "figured");
      if (!(parsed instanceof Parsed.Accepted accepted)) throw new IllegalStateException("a figured message holds a bad record: " + parsed);
      FigureSet figures = JSON.treeToValue(node.get("figures"), FigureSet.class);
      JsonNode chain = node.get("chain");
      return new LedgerEntry(chain.get("seq").asLong(), accepted.record(), figures, chain.get("source_ref").asText(), chain.get("hash").asText());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * An update of the aggregates topic ({@code team}, {@code model}, {@code window_start}, {@code calls}, {@code energy_j}
   * and {@code carbon_g} by tier, {@code unrated_calls}, {@code unrated_tokens}) as the row the sink stores.
   */
  static Store.StreamAggregate aggregate(String update) {
    JsonNode node = json(update);
    JsonNode team = field(node, "team");
    return new Store.StreamAggregate(team.isNull() ? null : team.asText(), field(node, "model").asText(),
        Instant.parse(field(node, "window_start").asText()), field(node, "calls").asLong(), byTier(node.path("energy_j")),
        byTier(node.path("carbon_g")), node.path("unrated_calls").asLong(), node.path("unrated_tokens").asLong());
  }

  /** {@code node}'s field {@code name}; an error naming it when it is missing. */
  static JsonNode field(JsonNode node, String name) {
    JsonNode value = node.get(name);
    if (value == null) throw new IllegalArgumentException("field '" + name + "' is required");
    return value;
  }

  private static Map<Tier, Double> byTier(JsonNode amounts) {
    Map<Tier, Double> out = new EnumMap<>(Tier.class);
    amounts.properties().forEach(e -> out.put(Tier.of(e.getKey()), e.getValue().doubleValue()));
    return out;
  }

  static int partition(String figured) {
    return json(figured).get("chain").get("partition").asInt();
  }

  /** A message this topology wrote (or one checked against it) as a JSON tree. */
  static JsonNode json(String text) {
    try {
      return JSON.readTree(text);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
