package io.jouletrace.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.jouletrace.ledger.Ingest;
import io.jouletrace.ledger.ingest.Parsed;
import io.jouletrace.ledger.ingest.RecordBounds;
import io.jouletrace.stream.RecordJson;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code jouletrace ingest} beside a running {@code serve}: the inputs read and checked here as a local ingest does, the
 * records posted to {@code /api/invocations} in batches under the server's body limit, and the server's rejections and
 * conflicts written to the rejects file under the records' own {@code file:line}.
 */
final class IngestThroughServer {

  /** Room left under the server's body limit, for the array's brackets and commas. */
  private static final int BODY_MARGIN = 1024;

  private final ServerApi api;
  private final Writer rejects;
  private final int batchSize;
  private final List<String> batch = new ArrayList<>();
  private final List<String> origins = new ArrayList<>();
  private long batchBytes;
  private long accepted;
  private long duplicates;
  private long rejected;

  private IngestThroughServer(ServerApi api, Writer rejects, int batchSize) {
    this.api = api;
    this.rejects = rejects;
    this.batchSize = batchSize;
  }

  static Ingest.Summary run(ServerApi api, List<String> inputs, InputStream stdin, Writer rejects, RecordBounds bounds, int batchSize) {
    return new IngestThroughServer(api, rejects, batchSize).ingest(inputs, stdin, bounds);
  }

  private Ingest.Summary ingest(List<String> inputs, InputStream stdin, RecordBounds bounds) {
    var counts = new Object() {
      long entries;
      long skipped;
    };
    List<String> unreadable = Ingest.read(inputs, stdin, bounds, rejects, parsed -> {
      counts.entries++;
      switch (parsed) {
        case Parsed.Accepted record -> add(RecordJson.of(record.record()).toString(), record.origin());
        case Parsed.Rejected rejection -> reject(rejection.line());
        case Parsed.Skipped ignored -> counts.skipped++;
      }
    });
    post();
    JsonNode head = api.get("/api/ledger/head", Map.of());
    return new Ingest.Summary(counts.entries, accepted, duplicates, rejected, counts.skipped, List.copyOf(unreadable),
        head.path("seq").asLong(), head.path("hash").asText());
  }

  private void add(String json, String origin) {
    long bytes = json.getBytes(StandardCharsets.UTF_8).length + 1;
    if (!batch.isEmpty() && (batch.size() >= batchSize || batchBytes + bytes > api.maxBody() - BODY_MARGIN)) post();
    batch.add(json);
    origins.add(origin);
    batchBytes += bytes;
  }

  /** Posts the batch; the server names its entries body[i], written back here as the records' own origins. */
  private void post() {
    if (batch.isEmpty()) return;
    JsonNode result = api.post("/api/invocations", "[" + String.join(",", batch) + "]");
    accepted += result.path("accepted").asLong();
    duplicates += result.path("duplicates").asLong();
    for (String kind : List.of("rejected", "conflicts")) {
      for (JsonNode r : result.path(kind)) {
        String field = kind.equals("conflicts") ? "id" : r.path("field").asText();
        reject(origin(r.path("at").asText()) + (field.isEmpty() ? "" : ": " + field) + ": " + r.path("reason").asText());
      }
    }
    batch.clear();
    origins.clear();
    batchBytes = 0;
  }

  /** {@code body[3]} (or {@code body[3]…}) as the origin of the batch's fourth record. */
  private String origin(String at) {
    if (!at.startsWith("body[")) return at;
    int end = at.indexOf(']');
    return origins.get(Integer.parseInt(at.substring(5, end))) + at.substring(end + 1);
  }

  private void reject(String line) {
    rejected++;
    try {
      rejects.write(line);
      rejects.write('\n');
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the rejects file", e);
    }
  }
}
