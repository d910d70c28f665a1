package io.jouletrace.ledger.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.OffsetDateTime;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The fast path for {@code …Z} timestamps reads exactly what {@link OffsetDateTime#parse} reads, and leaves the rest to it. */
class PlainUtcTimestampTest {

  @ParameterizedTest
  @ValueSource(strings = {"2026-11-25T10:00:00Z", "2026-11-25T10:00:00.1Z", "2026-11-25T10:00:00.123Z", "2026-11-25T10:00:00.123456Z",
      "2026-11-25T10:00:00.123456789Z", "2024-02-29T23:59:59.999999999Z", "0000-01-01T00:00:00Z", "9999-12-31T23:59:59Z",
      "1970-01-01T00:00:00.000Z"})
  void reads_the_plain_utc_shape_as_the_iso_parser_does(String text) {
    assertThat(FieldValues.plainUtc(text)).isNotNull().isEqualTo(OffsetDateTime.parse(text).toInstant());
  }

  @ParameterizedTest
  @ValueSource(strings = {"2026-11-25T10:00:00+01:00", "2026-11-25t10:00:00z", "2026-11-25T10:00Z", "2026-11-25T10:00:00.Z",
      "2026-11-25T10:00:00.1234567891Z", "+12026-11-25T10:00:00Z", "2026-13-25T10:00:00Z", "2026-02-29T10:00:00Z",
      "2026-11-31T10:00:00Z", "2026-11-25T24:00:00Z", "2026-11-25T10:60:00Z", "2026-11-25T10:00:60Z", "2026-11-25 10:00:00Z",
      "2026-1a-25T10:00:00Z", "2026-00-25T10:00:00Z", "2026-11-00T10:00:00Z", "2026-11-25T10:00:00,5Z", "１２３４-11-25T10:00:00Z"})
  void leaves_every_other_text_to_the_iso_parser(String text) {
    assertThat(FieldValues.plainUtc(text)).isNull();
  }
}
