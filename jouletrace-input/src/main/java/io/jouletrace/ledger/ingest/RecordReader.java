package io.jouletrace.ledger.ingest;

import java.io.Closeable;
import java.io.IOException;

/**
 * Streams the entries of one input. Implementations hold at most one line, row or OTLP request in
 * memory, so any file size works.
 */
public interface RecordReader extends Closeable {

  /** The next entry, or {@code null} once the input is exhausted (or stopped being readable). */
  Parsed next() throws IOException;
}
