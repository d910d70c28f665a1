package io.jouletrace.ledger.telemetry;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;

/**
 * Opens telemetry inputs the way {@code io.jouletrace.ledger.ingest.InputFiles} does: gzip is recognised
 * by its magic bytes (whatever the file is called), a UTF-8 byte order mark is dropped, and the first
 * bytes can be looked at without being consumed.
 */
final class Inputs {

  private static final int BUFFER = 64 * 1024;
  /** How much of the (decompressed) start of an input format sniffing looks at. */
  static final int SNIFF_BYTES = 16 * 1024;

  private Inputs() {}

  /** The file, decompressed when it is gzip, without a byte order mark. */
  static BufferedInputStream open(Path file) throws IOException {
    if (Files.isDirectory(file)) throw new IOException(file + ": is a directory, not a file");
    InputStream raw = Files.newInputStream(file); // NoSuchFileException names the path
    try {
      return prepare(raw);
    } catch (IOException | RuntimeException e) {
      raw.close();
      throw e;
    }
  }

  /** {@code in}, decompressed when it is gzip, without a byte order mark. */
  static BufferedInputStream prepare(InputStream in) throws IOException {
    BufferedInputStream buffered = in instanceof BufferedInputStream b ? b : new BufferedInputStream(in, BUFFER);
    byte[] magic = peek(buffered, 2);
    if (magic.length == 2 && (magic[0] & 0xff) == 0x1f && (magic[1] & 0xff) == 0x8b) {
      buffered = new BufferedInputStream(new GZIPInputStream(buffered, BUFFER), BUFFER);
    }
    byte[] head = peek(buffered, 3);
    if (head.length == 3 && (head[0] & 0xff) == 0xef && (head[1] & 0xff) == 0xbb && (head[2] & 0xff) == 0xbf) {
      buffered.skipNBytes(3);
    }
    return buffered;
  }

  /** The first bytes of {@code in} as text (a character cut at the end becomes U+FFFD); {@code in} is not advanced. */
  static String head(BufferedInputStream in) throws IOException {
    return new String(peek(in, SNIFF_BYTES), StandardCharsets.UTF_8);
  }

  /** The first line of {@code head} that is not blank, stripped; empty when there is none. */
  static String firstLine(String head) {
    for (String line : head.split("\r?\n", -1)) {
      if (!line.isBlank()) return line.strip();
    }
    return "";
  }

  private static byte[] peek(BufferedInputStream in, int n) throws IOException {
    in.mark(n);
    byte[] head = in.readNBytes(n);
    in.reset();
    return head;
  }
}
