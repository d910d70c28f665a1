package io.jouletrace.ledger.ingest;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import java.io.EOFException;
import java.io.IOException;
import java.util.zip.ZipException;

/**
 * What every reader shares: once the input breaks in a way the format cannot step over (a syntax
 * error in a JSON stream, a truncated gzip), report it as one rejection at the line reached and end.
 * Everything returned before stays valid, so a long file keeps its good part.
 */
abstract class StreamingReader implements RecordReader {

  /** The input as the user named it, the first part of every origin. */
  final String name;
  private final String format;
  private boolean finished;

  StreamingReader(String name, String format) {
    this.name = name;
    this.format = format;
  }

  @Override
  public final Parsed next() throws IOException {
    if (finished) return null;
    try {
      Parsed parsed = read();
      if (parsed == null) finished = true;
      return parsed;
    } catch (JsonProcessingException e) {
      JsonLocation at = e.getLocation();
      long line = at != null && at.getLineNr() > 0 ? at.getLineNr() : currentLine();
      return stop(new Parsed.Rejected(origin(line), "",
          "not valid " + format + ", stopped reading this input: " + Json.problem(e)));
    } catch (NumberFormatException e) {
      // Jackson throws this, not a JsonProcessingException, for numbers such as 1e1000000000 (found by fuzzing).
      return stop(new Parsed.Rejected(origin(currentLine()), "",
          "not valid " + format + ", stopped reading this input: a number out of range: " + e.getMessage()));
    } catch (EOFException | ZipException e) {
      return stop(new Parsed.Rejected(origin(currentLine()), "",
          "input is truncated or corrupt, stopped reading it: " + e.getMessage()));
    }
  }

  /** The next entry, or {@code null} at the end. */
  abstract Parsed read() throws IOException;

  /** The line being read, to blame when the input breaks off. */
  abstract long currentLine();

  /** Returns {@code last} and ends the input: nothing after it can be trusted. */
  final Parsed stop(Parsed last) {
    finished = true;
    return last;
  }

  final String origin(long line) {
    return name + ":" + line;
  }
}
