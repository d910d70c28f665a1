package io.jouletrace.ledger.ingest;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * OTLP/JSON trace exports: a stream of root-level {@code ExportTraceServiceRequest} objects, one per
 * line as the collector's file exporter writes them, or one pretty-printed request over many lines.
 * Only the spans of the current request are held in memory. A syntax error ends the input: JSON
 * cannot resynchronise mid-stream.
 */
public final class OtlpJsonReader extends StreamingReader {

  private final JsonParser parser;
  private final Deque<Parsed> pending = new ArrayDeque<>();

  /** Reads OTLP/JSON from {@code in}; {@code name} starts every origin ({@code name:line#spanN}). */
  public OtlpJsonReader(InputStream in, String name) throws IOException {
    super(name, "JSON");
    this.parser = Json.MAPPER.createParser(in);
  }

  @Override
  Parsed read() throws IOException {
    while (pending.isEmpty()) {
      if (parser.nextToken() == null) return null;
      long line = parser.currentTokenLocation().getLineNr(); // where this request starts
      JsonNode request = Json.MAPPER.readTree(parser);
      pending.addAll(OtlpTraces.map(request, origin(line)));
    }
    return pending.poll();
  }

  @Override
  long currentLine() {
    return parser.currentLocation().getLineNr();
  }

  @Override
  public void close() throws IOException {
    parser.close();
  }
}
