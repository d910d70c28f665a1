package io.jouletrace.ledger.ingest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * One JSON object per line. A broken line is rejected on its own; the next line reads normally. Lines are read in
 * chunks and parsed on the common pool's threads, each line on its own, and handed out in file order: parsing was the
 * serial part of ingest once figuring ran on every core (docs/benchmarks.md).
 */
public final class JsonlReader extends StreamingReader {

  /** Lines read and parsed at a time. */
  private static final int CHUNK = 4_096;

  private final BufferedReader lines;
  private long lineNumber;
  private final ArrayDeque<Parsed> parsed = new ArrayDeque<>();
  /** Why reading stopped, thrown once the lines read before it are handed out. */
  private IOException failure;

  /** Reads UTF-8 JSONL from {@code in}; {@code name} starts every origin. */
  public JsonlReader(InputStream in, String name) {
    super(name, "JSONL");
    this.lines = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
  }

  @Override
  Parsed read() throws IOException {
    if (parsed.isEmpty() && failure == null) readChunk();
    Parsed next = parsed.poll();
    if (next == null && failure != null) {
      IOException stopped = failure;
      failure = null;
      throw stopped;
    }
    return next;
  }

  private record Line(String text, String origin) {}

  private void readChunk() {
    List<Line> chunk = new ArrayList<>(CHUNK);
    try {
      String line;
      while (chunk.size() < CHUNK && (line = lines.readLine()) != null) {
        lineNumber++;
        if (!line.isBlank()) chunk.add(new Line(line, origin(lineNumber)));
      }
    } catch (IOException e) {
      failure = e;
    }
    parsed.addAll(chunk.parallelStream().map(line -> parseLine(line.text(), line.origin())).toList());
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
