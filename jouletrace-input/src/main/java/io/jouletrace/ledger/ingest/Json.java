package io.jouletrace.ledger.ingest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.util.regex.Pattern;

/** The JSON setup every ingest path shares. */
final class Json {

  /**
   * Fractions stay exact decimals, so {@code 1764064800.123456789} epoch seconds keeps its nanoseconds
   * and a JSON number maps to the same double as the same digits in a CSV cell.
   */
  static final ObjectMapper MAPPER = JsonMapper.builder()
      .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
      .build();

  /** Reads exactly one value; {@code {"a":1} x} is an error, not {@code {"a":1}}. */
  static final ObjectReader ONE_VALUE = MAPPER.reader().with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

  private static final Pattern SOURCE_REFERENCE = Pattern.compile("\\s*\\(start marker at \\[Source: .*?]\\)");

  private Json() {}

  /** Jackson's message without its location details, which the origin already gives. */
  static String problem(JsonProcessingException e) {
    return SOURCE_REFERENCE.matcher(e.getOriginalMessage()).replaceAll("");
  }
}
