package io.jouletrace.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.jouletrace.ledger.ingest.InputFiles;
import io.jouletrace.ledger.ingest.Parsed;
import io.jouletrace.ledger.ingest.RecordReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;

/**
 * Whatever bytes arrive on stdin, ingest's readers either produce records, rejections naming a line,
 * or skips — they never throw anything but an IOException for unreadable input, and never loop.
 */
class ParserFuzzTest {

  @FuzzTest(maxDuration = "10s")
  void any_input_is_read_or_rejected_line_by_line(FuzzedDataProvider data) {
    byte[] bytes = data.consumeRemainingAsBytes();
    try (RecordReader reader = InputFiles.open("-", new ByteArrayInputStream(bytes))) {
      int entries = 0;
      for (Parsed parsed; (parsed = reader.next()) != null; ) {
        assertThat(parsed.origin()).startsWith("<stdin>");
        if (parsed instanceof Parsed.Rejected rejected) assertThat(rejected.reason()).isNotBlank();
        assertThat(++entries).as("entries from %d bytes", bytes.length).isLessThanOrEqualTo(bytes.length + 1);
      }
    } catch (IOException unreadable) {
      assertThat(unreadable.getMessage()).isNotBlank();
    }
  }
}
