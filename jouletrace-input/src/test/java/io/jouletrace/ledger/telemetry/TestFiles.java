package io.jouletrace.ledger.telemetry;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;

/** Test helpers: write inputs into a temporary folder. */
final class TestFiles {

  private TestFiles() {}

  static Path write(Path dir, String name, String content) throws IOException {
    Path file = dir.resolve(name);
    Files.writeString(file, content, StandardCharsets.UTF_8);
    return file;
  }

  static Path gzip(Path dir, String name, String content) throws IOException {
    Path file = dir.resolve(name);
    Files.write(file, gzipped(content));
    return file;
  }

  static byte[] gzipped(String content) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (GZIPOutputStream out = new GZIPOutputStream(bytes)) {
      out.write(content.getBytes(StandardCharsets.UTF_8));
    }
    return bytes.toByteArray();
  }

  /** A real tool's output kept as a test resource beside these tests (their sources: SOURCES.md there). */
  static Path fixture(String name) {
    try {
      return Path.of(TestFiles.class.getResource(name).toURI());
    } catch (java.net.URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The samples under docs/samples, read from the module folder the tests run in. */
  static Path sample(String name) {
    return Path.of("..", "docs", "samples", name);
  }
}
