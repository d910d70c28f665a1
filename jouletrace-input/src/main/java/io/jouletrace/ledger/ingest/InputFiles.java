package io.jouletrace.ledger.ingest;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.BufferedInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.zip.GZIPInputStream;

/** Opens what {@code jouletrace ingest FILE…} names: picks gzip and the format, then the reader. */
public final class InputFiles {

  /** The path that means standard input. */
  public static final String STDIN = "-";

  private static final int BUFFER = 64 * 1024;
  /** How far the sniffer looks ahead for the first JSON key; a request's first key comes first. */
  private static final int SNIFF_BYTES = 8 * 1024;

  private enum Format { JSONL, CSV, OTLP }

  private InputFiles() {}

  /**
   * A reader for {@code path} ({@code -} for {@code stdin}, which is never closed). Gzip is recognised
   * by its magic bytes. The format comes from the extension ({@code .jsonl}, {@code .ndjson},
   * {@code .csv}, {@code .json}, each optionally {@code .gz}) or else from the content: an object whose
   * first key is {@code resourceSpans} is OTLP, another object JSONL, anything else CSV.
   *
   * @throws java.nio.file.NoSuchFileException when {@code path} does not exist
   */
  public static RecordReader open(String path, InputStream stdin) throws IOException {
    boolean isStdin = STDIN.equals(path);
    String name = isStdin ? "<stdin>" : path;
    InputStream raw = isStdin ? new KeptOpen(stdin) : openFile(path);
    try {
      BufferedInputStream in = skipBom(decompressed(new BufferedInputStream(raw, BUFFER)));
      return switch (format(isStdin ? "" : path, in)) {
        case JSONL -> new JsonlReader(in, name);
        case CSV -> new CsvReader(in, name);
        case OTLP -> new OtlpJsonReader(in, name);
      };
    } catch (IOException | RuntimeException e) {
      raw.close();
      throw e;
    }
  }

  private static InputStream openFile(String path) throws IOException {
    Path file = Path.of(path);
    if (Files.isDirectory(file)) throw new IOException(path + ": is a directory, not a file");
    return Files.newInputStream(file); // NoSuchFileException names the path
  }

  private static BufferedInputStream decompressed(BufferedInputStream in) throws IOException {
    byte[] magic = peek(in, 2);
    boolean gzip = magic.length == 2 && (magic[0] & 0xff) == 0x1f && (magic[1] & 0xff) == 0x8b;
    return gzip ? new BufferedInputStream(new GZIPInputStream(in, BUFFER), BUFFER) : in;
  }

  /** Drops a UTF-8 byte order mark, which some spreadsheet exports write. */
  private static BufferedInputStream skipBom(BufferedInputStream in) throws IOException {
    byte[] head = peek(in, 3);
    if (head.length == 3 && (head[0] & 0xff) == 0xef && (head[1] & 0xff) == 0xbb && (head[2] & 0xff) == 0xbf) {
      in.skipNBytes(3);
    }
    return in;
  }

  private static Format format(String path, BufferedInputStream in) throws IOException {
    String lower = path.toLowerCase(Locale.ROOT);
    String bare = lower.endsWith(".gz") ? lower.substring(0, lower.length() - 3) : lower;
    if (bare.endsWith(".jsonl") || bare.endsWith(".ndjson")) return Format.JSONL;
    if (bare.endsWith(".csv")) return Format.CSV;
    Format sniffed = sniff(peek(in, SNIFF_BYTES));
    // a .json file is JSON either way: JSONL reports a non-object line better than CSV would
    return bare.endsWith(".json") && sniffed == Format.CSV ? Format.JSONL : sniffed;
  }

  private static Format sniff(byte[] head) {
    int i = 0;
    while (i < head.length && Character.isWhitespace(head[i])) i++;
    if (i == head.length) return Format.JSONL; // empty: nothing to read either way
    if (head[i] != '{') return Format.CSV;
    String firstKey = firstKey(head, i);
    return "resourceSpans".equals(firstKey) || "resource_spans".equals(firstKey) ? Format.OTLP : Format.JSONL;
  }

  private static String firstKey(byte[] head, int offset) {
    try (JsonParser p = Json.MAPPER.createParser(head, offset, head.length - offset)) {
      return p.nextToken() == JsonToken.START_OBJECT && p.nextToken() == JsonToken.FIELD_NAME
          ? p.currentName() : null;
    } catch (IOException e) {
      return null; // cut off or malformed: the reader will say what is wrong
    }
  }

  private static byte[] peek(BufferedInputStream in, int n) throws IOException {
    in.mark(n);
    byte[] head = in.readNBytes(n);
    in.reset();
    return head;
  }

  /** Stdin belongs to the caller; closing a reader must not close it. */
  private static final class KeptOpen extends FilterInputStream {
    KeptOpen(InputStream in) {
      super(in);
    }

    @Override
    public void close() {}
  }
}
