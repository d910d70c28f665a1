package io.jouletrace.ledger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jouletrace.ledger.ingest.OtlpTraces;
import io.jouletrace.ledger.ingest.Parsed;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Map;

/**
 * Backfills from an existing SQLite call ledger: a {@code chain(seq, timestamp_ns, canonical_body, …)}
 * table whose bodies carry a call's GenAI span attributes as JSON (flat, or under {@code attributes}),
 * as OpenTelemetry span-chaining tools keep them.
 *
 * <p>Each body is mapped exactly as a live OTLP span would be, so a call that reaches jouletrace
 * both ways gets the same id ({@code traceId:spanId}) and is stored once. Each record's source is
 * {@code chain:<file>#<seq>}. {@code sinceSeq} starts the import at that source seq, so a re-run
 * can begin where the last one ended and live recording can take over from a cutover seq.
 */
public final class ChainImport {

  public record Summary(long rows, long accepted, long duplicates, long rejected, long skipped, long lastSourceSeq,
      long headSeq, String headHash) {
    public int exitCode() {
      return rejected > 0 ? 3 : 0;
    }
  }

  private static final ObjectMapper JSON = new ObjectMapper();

  private ChainImport() {}

  public static Summary run(Ledger.Writer writer, Path sqlite, long sinceSeq, Writer rejects) {
    if (!Files.isRegularFile(sqlite)) throw new IllegalArgumentException(sqlite + ": no such SQLite file");
    long rows = 0;
    long rejected = 0;
    long skipped = 0;
    long lastSeq = -1;
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:file:" + sqlite.toAbsolutePath() + "?mode=ro");
        PreparedStatement ps = c.prepareStatement("SELECT seq, timestamp_ns, canonical_body FROM chain WHERE seq >= ? ORDER BY seq")) {
      ps.setLong(1, sinceSeq);
      ps.setFetchSize(10_000);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          rows++;
          lastSeq = rs.getLong(1);
          String origin = "chain:" + sqlite.getFileName() + "#" + lastSeq;
          for (Parsed parsed : map(rs.getLong(2), rs.getString(3), origin)) {
            switch (parsed) {
              case Parsed.Accepted accepted -> {
                writer.add(accepted.record(), origin);
                rejected += Ingest.rejectConflicts(writer, rejects);
              }
              case Parsed.Rejected rejection -> {
                rejected++;
                rejects.write(rejection.line() + "\n");
              }
              case Parsed.Skipped ignored -> skipped++;
            }
          }
        }
      }
    } catch (SQLException e) {
      throw new IllegalArgumentException(sqlite + ": cannot read the chain table (expected chain(seq, timestamp_ns, canonical_body)): "
          + e.getMessage(), e);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the rejects file", e);
    }
    writer.flush();
    rejected += Ingest.rejectConflicts(writer, rejects);
    return new Summary(rows, writer.accepted(), writer.duplicates(), rejected, skipped, lastSeq, writer.head().seq(), writer.head().hash());
  }

  /** One chain row as the OTLP span it records, mapped by {@link OtlpTraces}. */
  static java.util.List<Parsed> map(long timestampNanos, String body, String origin) {
    JsonNode parsed;
    try {
      parsed = JSON.readTree(body);
    } catch (IOException e) {
      return java.util.List.of(new Parsed.Rejected(origin, "canonical_body", "not valid JSON: " + e.getMessage()));
    }
    if (parsed == null || !parsed.isObject()) {
      return java.util.List.of(new Parsed.Rejected(origin, "canonical_body", "expected a JSON object of span attributes"));
    }
    JsonNode attributes = parsed.has("attributes") && parsed.get("attributes").isObject() ? parsed.get("attributes") : parsed;
    ObjectNode span = JSON.createObjectNode();
    copyFirst(parsed, span, "traceId", "traceId", "trace_id");
    copyFirst(parsed, span, "spanId", "spanId", "span_id");
    copyFirst(parsed, span, "name", "name");
    copyFirst(parsed, span, "endTimeUnixNano", "endTimeUnixNano", "end_time_unix_nano");
    if (!copyFirst(parsed, span, "startTimeUnixNano", "startTimeUnixNano", "start_time_unix_nano")) {
      span.put("startTimeUnixNano", Long.toString(timestampNanos));
    }
    ArrayNode keyValues = span.putArray("attributes");
    for (Map.Entry<String, JsonNode> attribute : attributes.properties()) {
      JsonNode value = attribute.getValue();
      ObjectNode anyValue = JSON.createObjectNode();
      if (value.isIntegralNumber()) anyValue.put("intValue", value.asText());
      else if (value.isNumber()) anyValue.set("doubleValue", value);
      else if (value.isBoolean()) anyValue.set("boolValue", value);
      else if (value.isTextual()) anyValue.set("stringValue", value);
      else continue; // arrays and objects (messages, finish reasons) carry nothing a figure needs
      keyValues.addObject().put("key", attribute.getKey()).set("value", anyValue);
    }
    ObjectNode request = JSON.createObjectNode();
    request.putArray("resourceSpans").addObject().putArray("scopeSpans").addObject().putArray("spans").add(span);
    return OtlpTraces.map(request, origin).stream().map(p -> withOrigin(p, origin)).toList();
  }

  private static Parsed withOrigin(Parsed parsed, String origin) {
    return switch (parsed) {
      case Parsed.Accepted a -> new Parsed.Accepted(a.record(), origin);
      case Parsed.Rejected r -> new Parsed.Rejected(origin, r.field(), r.reason());
      case Parsed.Skipped s -> new Parsed.Skipped(origin, s.why());
    };
  }

  private static boolean copyFirst(JsonNode from, ObjectNode to, String target, String... keys) {
    for (String key : keys) {
      JsonNode value = from.get(key);
      if (value != null && !value.isNull()) {
        to.set(target, value);
        return true;
      }
    }
    return false;
  }
}
