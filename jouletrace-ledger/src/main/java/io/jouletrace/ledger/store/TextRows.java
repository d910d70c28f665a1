package io.jouletrace.ledger.store;

import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.Arrays;

/**
 * Ledger rows as bulk-load text, written into a reused byte buffer and handed to a sink in 64 KiB
 * chunks. Numbers use {@link Long#toString} and {@link Double#toString} (the shortest decimal that
 * parses back to the same double), timestamps UTC {@code yyyy-MM-dd HH:mm:ss.SSSSSS}.
 */
final class TextRows {

  /** The two bulk-load text formats: PostgreSQL's COPY text, and CSV for DuckDB's read_csv. */
  enum Format {
    /** Tab-separated, backslash escapes, {@code \N} for null. */
    POSTGRES_TEXT,
    /** Comma-separated, every string quoted ({@code ""} inside), unquoted {@code \N} for null. */
    DUCKDB_CSV
  }

  /** Where full chunks go. */
  interface Sink {
    void write(byte[] bytes, int offset, int length) throws SQLException;
  }

  private static final int CHUNK = 1 << 16;

  private final Format format;
  private final Sink sink;
  private byte[] buffer = new byte[CHUNK + 1024];
  private int size;
  private boolean rowStarted;

  TextRows(Format format, Sink sink) {
    this.format = format;
    this.sink = sink;
  }

  private void separator() {
    ensure(1);
    if (rowStarted) buffer[size++] = (byte) (format == Format.POSTGRES_TEXT ? '\t' : ',');
    rowStarted = true;
  }

  TextRows nul() {
    separator();
    ensure(2);
    buffer[size++] = '\\';
    buffer[size++] = 'N';
    return this;
  }

  TextRows text(String value) throws SQLException {
    if (value == null) return nul();
    separator();
    int length = value.length();
    ensure(2 * length + 2);
    if (format == Format.DUCKDB_CSV) buffer[size++] = '"';
    for (int i = 0; i < length; i++) {
      char c = value.charAt(i);
      if (c >= 0x80) {
        // The rest through the JDK's encoder, which also replaces a lone surrogate exactly as the chain hash does.
        escaped(value.substring(i).getBytes(StandardCharsets.UTF_8));
        return closeQuote();
      }
      ascii(c);
    }
    return closeQuote();
  }

  private TextRows closeQuote() {
    if (format == Format.DUCKDB_CSV) {
      ensure(1);
      buffer[size++] = '"';
    }
    return this;
  }

  private void escaped(byte[] bytes) throws SQLException {
    ensure(2 * bytes.length);
    for (byte b : bytes) ascii((char) (b & 0xff));
  }

  /** One byte of a value; the caller made room for two. */
  private void ascii(char c) {
    if (c == 0) throw new IllegalArgumentException("the ledger cannot hold the NUL character (U+0000) in text");
    if (format == Format.DUCKDB_CSV) {
      if (c == '"') buffer[size++] = '"';
      buffer[size++] = (byte) c;
      return;
    }
    switch (c) {
      case '\\' -> { buffer[size++] = '\\'; buffer[size++] = '\\'; }
      case '\t' -> { buffer[size++] = '\\'; buffer[size++] = 't'; }
      case '\n' -> { buffer[size++] = '\\'; buffer[size++] = 'n'; }
      case '\r' -> { buffer[size++] = '\\'; buffer[size++] = 'r'; }
      default -> buffer[size++] = (byte) c;
    }
  }

  TextRows number(long value) {
    separator();
    plain(Long.toString(value));
    return this;
  }

  TextRows number(Long value) {
    return value == null ? nul() : number(value.longValue());
  }

  /** {@link Double#toString}: the shortest decimal that parses back to the same double (and Infinity, NaN). */
  TextRows number(double value) {
    separator();
    plain(Double.toString(value));
    return this;
  }

  TextRows number(Double value) {
    return value == null ? nul() : number(value.doubleValue());
  }

  /** UTC {@code yyyy-MM-dd HH:mm:ss.SSSSSS}, with PostgreSQL's {@code BC} for years before 1. */
  TextRows timestamp(Instant instant) {
    separator();
    LocalDateTime t = LocalDateTime.ofEpochSecond(instant.getEpochSecond(), instant.getNano(), ZoneOffset.UTC);
    int year = t.getYear();
    if (year <= 0 && format == Format.DUCKDB_CSV) throw new IllegalArgumentException("timestamps before year 1 are not supported: " + instant);
    digits(year > 0 ? year : 1 - year, 4);
    literal('-');
    digits(t.getMonthValue(), 2);
    literal('-');
    digits(t.getDayOfMonth(), 2);
    literal(' ');
    digits(t.getHour(), 2);
    literal(':');
    digits(t.getMinute(), 2);
    literal(':');
    digits(t.getSecond(), 2);
    literal('.');
    digits(t.getNano() / 1000, 6);
    if (year <= 0) plain(" BC");
    return this;
  }

  private void literal(char c) {
    ensure(1);
    buffer[size++] = (byte) c;
  }

  private void digits(int value, int width) {
    String s = Integer.toString(value);
    ensure(width + s.length());
    for (int i = s.length(); i < width; i++) buffer[size++] = '0';
    plain(s);
  }

  /** ASCII that needs no escaping. */
  private void plain(String s) {
    ensure(s.length());
    for (int i = 0; i < s.length(); i++) buffer[size++] = (byte) s.charAt(i);
  }

  void endRow() throws SQLException {
    ensure(1);
    buffer[size++] = '\n';
    rowStarted = false;
    if (size >= CHUNK) flush();
  }

  void flush() throws SQLException {
    if (size > 0) sink.write(buffer, 0, size);
    size = 0;
  }

  private void ensure(int more) {
    if (size + more > buffer.length) buffer = Arrays.copyOf(buffer, Math.max(buffer.length * 2, size + more));
  }
}
