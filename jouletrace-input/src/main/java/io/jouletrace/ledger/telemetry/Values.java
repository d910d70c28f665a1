package io.jouletrace.ledger.telemetry;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.ResolverStyle;
import java.time.temporal.ChronoField;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Typed reads of cell and JSON values. Numbers go through their exact decimal form, so a unit
 * conversion such as {@code 512340 mW → 512.34 W} or {@code 1.5 kWh → 5400000 J} gives the double
 * nearest the exact result, the same double as writing the converted digits.
 */
final class Values {

  /** Fractions stay exact decimals: {@code 1772373600.123456789} keeps its nanoseconds. */
  static final ObjectMapper JSON = JsonMapper.builder().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS).build();
  /** Reads exactly one value; {@code {"a":1} x} is an error. */
  static final ObjectReader ONE_VALUE = JSON.reader().with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

  /** Texts that mean "no reading" (compared ignoring case); a blank cell means the same. */
  private static final Set<String> MISSING = Set.of("nan", "n/a", "[n/a]", "na", "null", "none", "-nan");
  private static final Pattern DECIMAL = Pattern.compile("[-+]?(?:\\d+\\.?\\d*|\\.\\d+)(?:[eE][-+]?\\d+)?");
  private static final int MAX_SCALE = 1000;
  private static final BigDecimal MAX_EPOCH_SECONDS = BigDecimal.valueOf(Instant.MAX.getEpochSecond());
  private static final BigDecimal MIN_EPOCH_SECONDS = BigDecimal.valueOf(Instant.MIN.getEpochSecond());
  private static final Pattern SOURCE_REFERENCE = Pattern.compile("\\s*\\(start marker at \\[Source: .*?]\\)");

  /** {@code 2026/03/01 14:00:00.100}, as nvidia-smi writes (no zone). */
  private static final DateTimeFormatter NVIDIA_SMI = new DateTimeFormatterBuilder()
      .appendPattern("uuuu/MM/dd HH:mm:ss")
      .optionalStart().appendFraction(ChronoField.NANO_OF_SECOND, 0, 9, true).optionalEnd()
      .toFormatter(Locale.ROOT).withResolverStyle(ResolverStyle.STRICT);

  private Values() {}

  /** Blank, {@code NaN}, {@code N/A}, {@code [N/A]} and the like: the source had no reading. */
  static boolean isMissing(String text) {
    return text == null || text.isBlank() || MISSING.contains(text.strip().toLowerCase(Locale.ROOT));
  }

  /** The exact decimal written in {@code text}, or {@code null} when it is not a plain decimal number. */
  static BigDecimal decimal(String text) {
    if (text == null) return null;
    String s = text.strip();
    if (!DECIMAL.matcher(s).matches()) return null;
    try {
      BigDecimal value = new BigDecimal(s);
      // refuses exponents beyond any real value: rounding 1e-999999999 would compute a huge power of ten
      return Math.abs(value.scale()) > MAX_SCALE ? null : value;
    } catch (NumberFormatException e) {
      return null;
    }
  }

  /** The exact decimal of a JSON number or numeric text; {@code null} for anything else. */
  static BigDecimal decimal(JsonNode node) {
    if (node == null) return null;
    if (node.isNumber()) {
      if ((node.isDouble() || node.isFloat()) && !Double.isFinite(node.doubleValue())) return null;
      BigDecimal value = node.decimalValue();
      return Math.abs(value.scale()) > MAX_SCALE ? null : value;
    }
    return node.isTextual() ? decimal(node.textValue()) : null;
  }

  /** {@code value × factor} as the double nearest the exact product. */
  static double times(String field, BigDecimal value, BigDecimal factor) throws Bad {
    return finite(field, value.multiply(factor).doubleValue(), value);
  }

  /** {@code value × factor ÷ divisor} as the double nearest the exact result (to 34 digits). */
  static double timesOver(String field, BigDecimal value, BigDecimal factor, BigDecimal divisor) throws Bad {
    return finite(field, value.multiply(factor).divide(divisor, MathContext.DECIMAL128).doubleValue(), value);
  }

  private static double finite(String field, double result, BigDecimal shown) throws Bad {
    if (!Double.isFinite(result)) throw new Bad(field, "is out of range, got " + shown);
    return result + 0.0; // -0.0 becomes 0.0
  }

  /** A finite number >= 0, exactly as written. */
  static BigDecimal nonNegative(String field, String text) throws Bad {
    BigDecimal value = decimal(text);
    if (value == null) throw new Bad(field, "must be a number, got \"" + text.strip() + "\"");
    if (value.signum() < 0) throw new Bad(field, "must be >= 0, got " + text.strip());
    if (!Double.isFinite(value.doubleValue())) throw new Bad(field, "is out of range, got " + text.strip());
    return value;
  }

  /**
   * An RFC 3339 time ({@code 2026-03-01T14:00:00Z}, {@code …+01:00}; a space may stand for the
   * {@code T}) or epoch seconds with an optional fraction. With {@code localZone} set, a time without
   * offset ({@code 2026-03-01T14:00:00}, or nvidia-smi's {@code 2026/03/01 14:00:00.100}) is read as
   * a wall-clock time in that zone; without it such a time is refused.
   */
  static Instant time(String field, String text, ZoneId localZone) throws Bad {
    if (text == null || text.isBlank()) throw new Bad(field, "is required");
    String s = text.strip();
    BigDecimal seconds = decimal(s);
    if (seconds != null) return epochSeconds(field, seconds, s);
    String iso = s.length() > 10 && (s.charAt(10) == ' ' || s.charAt(10) == 't')
        ? s.substring(0, 10) + 'T' + s.substring(11) : s;
    if (iso.endsWith("z")) iso = iso.substring(0, iso.length() - 1) + 'Z';
    try {
      return OffsetDateTime.parse(iso).toInstant();
    } catch (DateTimeException e) {
      // try the zone-less forms
    }
    LocalDateTime local = null;
    try {
      local = LocalDateTime.parse(iso);
    } catch (DateTimeException e) {
      try {
        local = LocalDateTime.parse(s, NVIDIA_SMI);
      } catch (DateTimeException e2) {
        // reported below
      }
    }
    if (local != null && localZone != null) return local.atZone(localZone).toInstant();
    if (local != null) {
      throw new Bad(field, "has no zone offset, got \"" + s + "\" (write it like 2026-03-01T14:00:00Z)");
    }
    throw new Bad(field, "must be an RFC 3339 time like 2026-03-01T14:00:00Z or epoch seconds, got \"" + s + "\"");
  }

  /** A time as epoch seconds; {@code shown} is how the input wrote it. */
  static Instant epochSeconds(String field, BigDecimal seconds, String shown) throws Bad {
    if (seconds.compareTo(MAX_EPOCH_SECONDS) >= 0 || seconds.compareTo(MIN_EPOCH_SECONDS) < 0) {
      throw new Bad(field, "epoch seconds out of range, got " + shown);
    }
    BigDecimal whole = seconds.setScale(0, RoundingMode.FLOOR);
    long nanos = seconds.subtract(whole).movePointRight(9).setScale(0, RoundingMode.HALF_EVEN).longValue();
    return Instant.ofEpochSecond(whole.longValueExact(), nanos);
  }

  /** A JSON time: RFC 3339 text or epoch seconds as a number or numeric text. */
  static Instant time(String field, JsonNode node) throws Bad {
    if (node == null || node.isNull() || node.isMissingNode()) throw new Bad(field, "is required");
    if (node.isNumber()) {
      BigDecimal seconds = decimal(node);
      if (seconds == null) throw new Bad(field, "must be epoch seconds or an RFC 3339 time, got " + node);
      return epochSeconds(field, seconds, node.toString());
    }
    if (!node.isTextual()) throw new Bad(field, "must be an RFC 3339 time or epoch seconds, got " + describe(node));
    return time(field, node.textValue(), null);
  }

  /** Stripped text of a JSON scalar; {@code null} when absent, null or blank. */
  static String text(String field, JsonNode node) throws Bad {
    if (node == null || node.isNull() || node.isMissingNode()) return null;
    if (node.isContainerNode()) throw new Bad(field, "must be a string, got " + describe(node));
    String text = node.asText().strip();
    return text.isEmpty() ? null : text;
  }

  static String describe(JsonNode node) {
    if (node.isArray()) return "an array";
    if (node.isObject()) return "an object";
    return node.toString();
  }

  /** Jackson's message without its location details, which the origin already gives. */
  static String problem(JsonProcessingException e) {
    String message = e.getOriginalMessage();
    return message == null ? e.getClass().getSimpleName() : SOURCE_REFERENCE.matcher(message).replaceAll("");
  }
}
