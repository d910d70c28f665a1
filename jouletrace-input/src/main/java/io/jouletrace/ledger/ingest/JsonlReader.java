package io.jouletrace.ledger.ingest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;

/** One JSON object per line. A broken line is rejected on its own; the next line reads normally. */
public final class JsonlReader extends StreamingReader {

  private final BufferedReader lines;
  private long lineNumber;

  /** Reads UTF-8 JSONL from {@code in}; {@code name} starts every origin. */
  public JsonlReader(InputStream in, String name) {
    super(name, "JSONL");
    this.lines = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
  }

  @Override
  Parsed read() throws IOException {
    String line;
    while ((line = lines.readLine()) != null) {
      lineNumber++;
      if (!line.isBlank()) return parseLine(line, origin(lineNumber));
    }
    return null;
  }

  private static Parsed parseLine(String line, String origin) {
    JsonNode node;
    try {
      node = Json.ONE_VALUE.readTree(line);
    } catch (JsonProcessingException e) {
      return new Parsed.Rejected(origin, "", "not valid JSON: " + Json.problem(e));
    } catch (NumberFormatException e) {
      // Jackson's number parser throws this, not a JsonProcessingException, for numbers like 1e1000000000 (found by fuzzing).
      return new Parsed.Rejected(origin, "", "not valid JSON: a number out of range: " + e.getMessage());
    }
    return RecordFields.parse(node, origin);
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
