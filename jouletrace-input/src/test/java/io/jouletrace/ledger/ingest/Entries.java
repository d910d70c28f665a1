package io.jouletrace.ledger.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.jouletrace.core.record.InvocationRecord;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Test helpers: read every entry of an input. */
final class Entries {

  private static final InputStream NO_STDIN = InputStream.nullInputStream();

  private Entries() {}

  static List<Parsed> readAll(RecordReader reader) {
    try (reader) {
      List<Parsed> out = new ArrayList<>();
      for (Parsed p = reader.next(); p != null; p = reader.next()) out.add(p);
      assertThat(reader.next()).as("stays at end").isNull();
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Writes {@code content} to {@code dir/fileName} and reads it through {@link InputFiles}. */
  static List<Parsed> readFile(Path dir, String fileName, String content) throws IOException {
    Path file = dir.resolve(fileName);
    Files.writeString(file, content);
    return readAll(InputFiles.open(file.toString(), NO_STDIN));
  }

  static List<Parsed> readStdin(String content) throws IOException {
    return readAll(InputFiles.open("-", new ByteArrayInputStream(content.getBytes(StandardCharsets.UTF_8))));
  }

  static InvocationRecord accepted(Parsed parsed) {
    assertThat(parsed).isInstanceOf(Parsed.Accepted.class);
    return ((Parsed.Accepted) parsed).record();
  }

  static Parsed.Rejected rejected(Parsed parsed) {
    assertThat(parsed).isInstanceOf(Parsed.Rejected.class);
    return (Parsed.Rejected) parsed;
  }

  static List<InvocationRecord> records(List<Parsed> entries) {
    return entries.stream().map(Entries::accepted).toList();
  }
}
