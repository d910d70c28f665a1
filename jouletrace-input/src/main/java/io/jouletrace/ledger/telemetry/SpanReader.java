package io.jouletrace.ledger.telemetry;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jouletrace.core.attribution.RunSpan;
import io.jouletrace.core.attribution.RunSpan.Interval;
import java.io.BufferedInputStream;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Run-span JSONL, one span per line:
 *
 * <pre>{@code
 * {"id":"req-1","resources":["gpu0"],"start":"2026-03-01T14:00:01Z","end":"2026-03-01T14:00:06.5Z",
 *  "tenant":"acme","team":"search","model":"meta-llama/Llama-3.1-8B-Instruct","input_tokens":512,"output_tokens":128,
 *  "phases":{"queue":{"start":…,"end":…},"prefill":{…},"decode":{…}}}
 * }</pre>
 *
 * Times are RFC 3339 or epoch seconds; {@code phases}, tenant, team, model and the token counts are
 * optional. Phases are {@code queue}, {@code prefill} and {@code decode}; each must lie inside the span
 * and they must not overlap. Ids are unique within a file.
 *
 * <p>vLLM's per-request timestamps (epoch seconds) are accepted as well, when a line has no
 * {@code phases}: {@code arrival_time}, {@code first_scheduled_time}, {@code first_token_time},
 * {@code last_token_time} give queue {@code [arrival, first_scheduled)}, prefill {@code [first_scheduled,
 * first_token)} and decode {@code [first_token, last_token)}; {@code start} and {@code end} default to
 * {@code arrival_time} and {@code last_token_time}, and {@code request_id} stands for {@code id}.
 */
public final class SpanReader {

  private SpanReader() {}

  public static Readings<RunSpan> read(Path file) throws IOException {
    try (TelemetryReader<RunSpan> reader = open(file)) {
      return reader.readAll();
    }
  }

  /** A streaming reader of {@code file} (plain or gzip). */
  public static TelemetryReader<RunSpan> open(Path file) throws IOException {
    return new Jsonl(Inputs.open(file), file.toString());
  }

  /** A streaming reader of {@code in} (plain or gzip), which it closes; {@code name} starts every origin. */
  public static TelemetryReader<RunSpan> open(InputStream in, String name) throws IOException {
    return new Jsonl(Inputs.prepare(in), name);
  }

  /** {@code span} as one line of the span JSONL format, which {@link #open} reads back to an equal span. */
  public static String line(RunSpan span) {
    ObjectNode node = Values.JSON.createObjectNode();
    node.put("id", span.id());
    span.resources().forEach(node.putArray("resources")::add);
    node.put("start", span.start().toString()).put("end", span.end().toString());
    node.put("tenant", span.tenant()).put("team", span.team()).put("model", span.model());
    node.put("input_tokens", span.inputTokens()).put("output_tokens", span.outputTokens());
    ObjectNode phases = node.putObject("phases");
    span.phases().entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(phase -> phases.putObject(phase.getKey())
        .put("start", phase.getValue().start().toString()).put("end", phase.getValue().end().toString()));
    return node.toString();
  }

  private static final class Jsonl extends TelemetryReader<RunSpan> {

    private static final List<String> PHASES = List.of(RunSpan.QUEUE, RunSpan.PREFILL, RunSpan.DECODE);

    private final BufferedReader lines;
    private final Map<String, Long> seen = new HashMap<>();
    private long lineNumber;

    Jsonl(BufferedInputStream in, String name) {
      super(name, "JSONL");
      this.lines = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
    }

    @Override
    boolean advance() throws IOException {
      String line;
      do {
        line = lines.readLine();
        if (line == null) return false;
        lineNumber++;
      } while (line.isBlank());
      JsonNode node;
      try {
        node = Values.ONE_VALUE.readTree(line);
      } catch (JsonProcessingException e) {
        reject(lineNumber, "", "not valid JSON: " + Values.problem(e));
        return true;
      } catch (NumberFormatException e) {
        reject(lineNumber, "", "not valid JSON: a number out of range: " + e.getMessage());
        return true;
      }
      try {
        RunSpan span = span(node);
        Long first = seen.putIfAbsent(span.id(), lineNumber);
        if (first != null) throw new Bad("id", "\"" + span.id() + "\" is already the id of the span at " + origin(first));
        emit(span);
      } catch (Bad bad) {
        reject(lineNumber, bad);
      }
      return true;
    }

    private static RunSpan span(JsonNode node) throws Bad {
      if (!node.isObject()) throw new Bad("", "each line must be a JSON object, got " + Values.describe(node));
      String id = Values.text("id", node.get("id"));
      if (id == null) id = Values.text("request_id", node.get("request_id"));
      if (id == null) throw new Bad("id", "is required");
      List<String> resources = resources(node.get("resources"));

      Instant arrival = optionalTime(node, "arrival_time");
      Instant scheduled = optionalTime(node, "first_scheduled_time");
      Instant firstToken = optionalTime(node, "first_token_time");
      Instant lastToken = optionalTime(node, "last_token_time");
      Instant start = has(node, "start") ? Values.time("start", node.get("start")) : arrival;
      Instant end = has(node, "end") ? Values.time("end", node.get("end")) : lastToken;
      if (start == null) throw new Bad("start", "is required");
      if (end == null) throw new Bad("end", "is required");
      if (end.isBefore(start)) throw new Bad("end", end + " is before start " + start);

      Map<String, Interval> phases = new LinkedHashMap<>();
      if (has(node, "phases")) {
        JsonNode given = node.get("phases");
        if (!given.isObject()) throw new Bad("phases", "must be an object of phase name → {start, end}, got " + Values.describe(given));
        for (Map.Entry<String, JsonNode> phase : given.properties()) {
          String field = "phases." + phase.getKey();
          if (!PHASES.contains(phase.getKey())) throw new Bad(field, "unknown phase (use queue, prefill or decode)");
          JsonNode interval = phase.getValue();
          if (!interval.isObject()) throw new Bad(field, "must be an object {start, end}, got " + Values.describe(interval));
          Instant from = Values.time(field + ".start", interval.get("start"));
          Instant to = Values.time(field + ".end", interval.get("end"));
          if (to.isBefore(from)) throw new Bad(field + ".end", to + " is before its start " + from);
          phases.put(phase.getKey(), new Interval(from, to));
        }
      } else {
        derived(phases, RunSpan.QUEUE, arrival, scheduled, "first_scheduled_time", "arrival_time");
        derived(phases, RunSpan.PREFILL, scheduled, firstToken, "first_token_time", "first_scheduled_time");
        derived(phases, RunSpan.DECODE, firstToken, lastToken, "last_token_time", "first_token_time");
      }
      checkPhases(phases, start, end);

      return new RunSpan(id, resources, start, end, Values.text("tenant", node.get("tenant")),
          Values.text("team", node.get("team")), Values.text("model", node.get("model")),
          count(node, "input_tokens"), count(node, "output_tokens"), phases);
    }

    private static List<String> resources(JsonNode node) throws Bad {
      if (node == null || node.isNull()) throw new Bad("resources", "is required (a list of resource ids like [\"gpu0\"])");
      if (!node.isArray()) throw new Bad("resources", "must be a list of resource ids, got " + Values.describe(node));
      if (node.isEmpty()) throw new Bad("resources", "must name at least one resource");
      List<String> ids = new ArrayList<>();
      Set<String> distinct = new HashSet<>();
      for (JsonNode r : node) {
        if (!r.isTextual() || r.textValue().isBlank()) {
          throw new Bad("resources", "each resource must be a non-empty string, got " + Values.describe(r));
        }
        String id = r.textValue().strip();
        if (!distinct.add(id)) throw new Bad("resources", "names \"" + id + "\" twice");
        ids.add(id);
      }
      return ids;
    }

    private static void derived(Map<String, Interval> phases, String phase, Instant from, Instant to, String toField,
        String fromField) throws Bad {
      if (from == null || to == null) return;
      if (to.isBefore(from)) throw new Bad(toField, to + " is before " + fromField + " " + from);
      phases.put(phase, new Interval(from, to));
    }

    /** Each phase inside {@code [start, end]}, no two overlapping. */
    private static void checkPhases(Map<String, Interval> phases, Instant start, Instant end) throws Bad {
      List<Map.Entry<String, Interval>> checked = new ArrayList<>();
      for (Map.Entry<String, Interval> phase : phases.entrySet()) {
        Interval p = phase.getValue();
        if (p.start().isBefore(start) || p.end().isAfter(end)) {
          throw new Bad("phases." + phase.getKey(), "[" + p.start() + ", " + p.end() + ") is outside the span [" + start + ", "
              + end + ")");
        }
        for (Map.Entry<String, Interval> other : checked) {
          Interval o = other.getValue();
          if (p.start().isBefore(o.end()) && o.start().isBefore(p.end())) {
            throw new Bad("phases." + phase.getKey(), "overlaps phase " + other.getKey());
          }
        }
        checked.add(phase);
      }
    }

    private static boolean has(JsonNode node, String field) {
      JsonNode value = node.get(field);
      return value != null && !value.isNull();
    }

    private static Instant optionalTime(JsonNode node, String field) throws Bad {
      return has(node, field) ? Values.time(field, node.get(field)) : null;
    }

    private static Long count(JsonNode node, String field) throws Bad {
      if (!has(node, field)) return null;
      JsonNode value = node.get(field);
      BigDecimal n = Values.decimal(value);
      if (n == null || n.signum() < 0 || n.stripTrailingZeros().scale() > 0 || n.compareTo(BigDecimal.valueOf(Long.MAX_VALUE)) > 0) {
        throw new Bad(field, "must be a whole number >= 0, got " + (value.isTextual() ? value.textValue() : value.toString()));
      }
      return n.longValueExact();
    }

    @Override
    long currentLine() {
      return lineNumber + 1;
    }

    @Override
    public void close() throws IOException {
      lines.close();
    }
  }
}
