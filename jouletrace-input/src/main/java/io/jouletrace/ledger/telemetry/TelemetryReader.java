package io.jouletrace.ledger.telemetry;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import io.jouletrace.ledger.ingest.Parsed;
import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.zip.ZipException;

/**
 * A streaming reader of one telemetry input: {@link #next()} gives one value at a time and reads only
 * as far as it needs, so a file of any size can be read. An entry that breaks the format's contract is
 * not returned but recorded in {@link #rejected()} as {@code file:line: field: reason}, and reading
 * goes on with the next entry. Only damage the format cannot step over (a truncated gzip stream, broken
 * CSV quoting, a JSON syntax error inside one document) ends the input early, with one last rejection
 * at the line reached; the values returned before it stay valid.
 *
 * <p>Not thread-safe. Closing the reader closes its input.
 */
public abstract class TelemetryReader<T> implements Closeable {

  /** The input as the user named it, the first part of every origin. */
  final String name;
  private final String format;
  private final ArrayDeque<T> pending = new ArrayDeque<>();
  private final List<Parsed.Rejected> rejected = new ArrayList<>();
  private boolean finished;

  TelemetryReader(String name, String format) {
    this.name = name;
    this.format = format;
  }

  /** The next value, or {@code null} once the input is exhausted. */
  public final T next() throws IOException {
    while (pending.isEmpty() && !finished) {
      try {
        if (!advance()) finished = true;
      } catch (JsonProcessingException e) {
        JsonLocation at = e.getLocation();
        long line = at != null && at.getLineNr() > 0 ? at.getLineNr() : currentLine();
        stop(line, "not valid " + format + ", stopped reading this input: " + Values.problem(e));
      } catch (NumberFormatException e) {
        // Jackson throws this, not a JsonProcessingException, for numbers such as 1e1000000000
        stop(currentLine(), "not valid " + format + ", stopped reading this input: a number out of range: " + e.getMessage());
      } catch (EOFException | ZipException e) {
        stop(currentLine(), "input is truncated or corrupt, stopped reading it: " + e.getMessage());
      }
    }
    return pending.poll();
  }

  /** The entries rejected so far, in input order. */
  public final List<Parsed.Rejected> rejected() {
    return Collections.unmodifiableList(rejected);
  }

  /** Reads the rest of the input. */
  public final Readings<T> readAll() throws IOException {
    List<T> values = new ArrayList<>();
    for (T value = next(); value != null; value = next()) values.add(value);
    return new Readings<>(values, rejected);
  }

  /** The input's name as it appears in origins. */
  public final String name() {
    return name;
  }

  /**
   * Reads the next entry of the input, {@link #emit emitting} its values or {@link #reject rejecting}
   * it; {@code false} at the end of the input (or when nothing after this point can be trusted).
   */
  abstract boolean advance() throws IOException;

  /** The line being read, to blame when the input breaks off. */
  abstract long currentLine();

  final void emit(T value) {
    pending.add(value);
  }

  final void reject(long line, String field, String reason) {
    rejected.add(new Parsed.Rejected(origin(line), field, reason));
  }

  final void reject(long line, Bad bad) {
    reject(line, bad.field, bad.reason);
  }

  final String origin(long line) {
    return name + ":" + line;
  }

  private void stop(long line, String reason) {
    reject(line, "", reason);
    finished = true;
  }

  /** A reader of an input with nothing in it. */
  static <T> TelemetryReader<T> empty(String name, Closeable input) {
    return new TelemetryReader<>(name, "input") {
      @Override
      boolean advance() {
        return false;
      }

      @Override
      long currentLine() {
        return 1;
      }

      @Override
      public void close() throws IOException {
        input.close();
      }
    };
  }
}
