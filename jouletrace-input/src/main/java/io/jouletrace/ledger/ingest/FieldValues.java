package io.jouletrace.ledger.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Typed reads of one entry's fields. Every value goes through its text or exact decimal form, so a
 * JSON number and the same digits in a CSV cell give the identical value (and the identical id).
 * Blank text counts as absent.
 */
final class FieldValues {

  private static final BigDecimal MAX_COUNT = BigDecimal.valueOf(Long.MAX_VALUE);
  private static final BigDecimal MAX_EPOCH_SECONDS = BigDecimal.valueOf(Instant.MAX.getEpochSecond());
  private static final BigDecimal MIN_EPOCH_SECONDS = BigDecimal.valueOf(Instant.MIN.getEpochSecond());
  private static final int MAX_SCALE = 1000;
  private static final BigDecimal THOUSAND = BigDecimal.valueOf(1000);
  private static final Pattern NUMBER_WITH_UNIT =
      Pattern.compile("([-+]?(?:\\d+\\.?\\d*|\\.\\d+)(?:[eE][-+]?\\d+)?)\\s*(\\p{L}+)");

  private final FieldAccess fields;

  FieldValues(FieldAccess fields) {
    this.fields = fields;
  }

  /** The value as given, or {@code null} when missing, JSON null or blank text. */
  JsonNode raw(String name) {
    JsonNode node = fields.get(name);
    if (node == null || node.isNull() || node.isMissingNode()) return null;
    if (node.isTextual() && node.textValue().isBlank()) return null;
    return node;
  }

  boolean has(String name) {
    return raw(name) != null;
  }

  /** Stripped text; numbers and booleans as their literal. */
  String text(String name) throws FieldError {
    JsonNode node = raw(name);
    if (node == null) return null;
    if (node.isContainerNode()) throw new FieldError(name, "must be a string, got " + describe(node));
    return node.asText().strip();
  }

  String requiredText(String name) throws FieldError {
    String text = text(name);
    if (text == null) throw missing(name);
    return text;
  }

  /** A token count: a whole number >= 0, as a JSON number or numeric text. */
  Long count(String name) throws FieldError {
    JsonNode node = raw(name);
    if (node == null) return null;
    BigDecimal value = decimalOrNull(node);
    if (value == null || value.signum() < 0 || value.stripTrailingZeros().scale() > 0
        || value.compareTo(MAX_COUNT) > 0) {
      throw new FieldError(name, "must be a whole number >= 0, got " + display(node));
    }
    return value.longValueExact();
  }

  /** A finite number >= 0. */
  Double nonNegative(String name) throws FieldError {
    JsonNode node = raw(name);
    if (node == null) return null;
    return nonNegative(name, decimalOrNull(node), display(node));
  }

  /** RFC 3339 text, or epoch seconds (fraction allowed) as a number or numeric text. */
  Instant timestamp(String name) throws FieldError {
    JsonNode node = raw(name);
    if (node == null) return null;
    BigDecimal epochSeconds = decimalOrNull(node);
    if (epochSeconds != null) return fromEpochSeconds(name, epochSeconds, node);
    if (node.isTextual()) {
      String text = node.textValue().strip();
      Instant utc = plainUtc(text);
      if (utc != null) return utc;
      try {
        return OffsetDateTime.parse(text).toInstant();
      } catch (DateTimeParseException e) {
        // reported below
      }
    }
    throw new FieldError(name, "must be an RFC 3339 time like 2026-11-25T10:00:00Z or epoch seconds, got "
        + display(node));
  }

  /**
   * A duration in seconds. A bare number is in {@code defaultUnit} ({@code s} or {@code ms}); text may
   * carry its own unit: {@code "1.2s"}, {@code "1200ms"}.
   */
  Double seconds(String name, String defaultUnit) throws FieldError {
    JsonNode node = raw(name);
    if (node == null) return null;
    BigDecimal amount = decimalOrNull(node);
    String unit = defaultUnit;
    if (amount == null && node.isTextual()) {
      Matcher m = NUMBER_WITH_UNIT.matcher(node.textValue().strip());
      if (m.matches()) {
        amount = parseDecimal(m.group(1));
        unit = m.group(2);
      }
    }
    BigDecimal seconds = switch (unit) {
      case "s" -> amount;
      case "ms" -> amount == null ? null : amount.divide(THOUSAND);
      default -> throw new FieldError(name, "unknown unit \"" + unit + "\" (use s or ms)");
    };
    return nonNegative(name, seconds, display(node));
  }

  /**
   * {@code text} read as {@link OffsetDateTime#parse} reads it, for the shape nearly every input uses,
   * {@code 2026-11-25T10:00:00[.fraction]Z}; null for anything else (the full parser then decides). The general parser
   * was half the cost of reading a JSONL record (JFR, docs/benchmarks.md).
   */
  static Instant plainUtc(String text) {
    int length = text.length();
    if (length < 20 || length > 30 || text.charAt(length - 1) != 'Z' || text.charAt(4) != '-' || text.charAt(7) != '-'
        || text.charAt(10) != 'T' || text.charAt(13) != ':' || text.charAt(16) != ':') {
      return null;
    }
    int year = digits(text, 0, 4);
    int month = digits(text, 5, 7);
    int day = digits(text, 8, 10);
    int hour = digits(text, 11, 13);
    int minute = digits(text, 14, 16);
    int second = digits(text, 17, 19);
    int nanos = 0;
    if (length > 20) {
      int fraction = length - 21; // digits between '.' and 'Z'
      if (text.charAt(19) != '.' || fraction < 1 || fraction > 9) return null;
      nanos = digits(text, 20, length - 1);
      if (nanos < 0) return null;
      for (int i = fraction; i < 9; i++) nanos *= 10;
    }
    if ((year | month | day | hour | minute | second) < 0 || month < 1 || month > 12 || day < 1 || hour > 23 || minute > 59
        || second > 59 || day > java.time.YearMonth.of(year, month).lengthOfMonth()) {
      return null;
    }
    return java.time.LocalDateTime.of(year, month, day, hour, minute, second, nanos).toInstant(java.time.ZoneOffset.UTC);
  }

  /** The ASCII digits {@code text[from, to)} as a number; -1 when any is not one. */
  private static int digits(String text, int from, int to) {
    int value = 0;
    for (int i = from; i < to; i++) {
      char c = text.charAt(i);
      if (c < '0' || c > '9') return -1;
      value = value * 10 + (c - '0');
    }
    return value;
  }

  static FieldError missing(String name) {
    return new FieldError(name, "is required");
  }

  private static Double nonNegative(String name, BigDecimal value, String shown) throws FieldError {
    double result = value == null ? Double.NaN : value.doubleValue();
    if (!(result >= 0) || Double.isInfinite(result)) {
      throw new FieldError(name, "must be a finite number >= 0, got " + shown);
    }
    return result + 0.0; // -0.0 becomes 0.0: one value, one id
  }

  private static Instant fromEpochSeconds(String name, BigDecimal seconds, JsonNode node) throws FieldError {
    if (seconds.compareTo(MAX_EPOCH_SECONDS) >= 0 || seconds.compareTo(MIN_EPOCH_SECONDS) < 0) {
      throw new FieldError(name, "epoch seconds out of range, got " + display(node));
    }
    BigDecimal whole = seconds.setScale(0, RoundingMode.FLOOR);
    long nanos = seconds.subtract(whole).movePointRight(9).setScale(0, RoundingMode.HALF_EVEN).longValue();
    return Instant.ofEpochSecond(whole.longValueExact(), nanos);
  }

  /** The exact decimal of a JSON number or numeric text; {@code null} for anything else. */
  private static BigDecimal decimalOrNull(JsonNode node) {
    if (node.isNumber()) {
      boolean binary = node.isDouble() || node.isFloat();
      return binary && !Double.isFinite(node.doubleValue()) ? null : sane(node.decimalValue());
    }
    return node.isTextual() ? parseDecimal(node.textValue().strip()) : null;
  }

  private static BigDecimal parseDecimal(String text) {
    if (!decimalCharacters(text)) return null; // spares a NumberFormatException per RFC 3339 timestamp
    try {
      return sane(new BigDecimal(text));
    } catch (NumberFormatException e) {
      return null;
    }
  }

  /** Whether every char of {@code text} is one {@link BigDecimal#BigDecimal(String)} may accept (digits, sign, point, exponent). */
  private static boolean decimalCharacters(String text) {
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (!Character.isDigit(c) && c != '.' && c != '-' && c != '+' && c != 'e' && c != 'E') return false;
    }
    return true;
  }

  /** Refuses exponents beyond any real value: rounding {@code 1e-999999999} would compute a huge power of ten. */
  private static BigDecimal sane(BigDecimal value) {
    return Math.abs(value.scale()) > MAX_SCALE ? null : value;
  }

  private static String display(JsonNode node) {
    return node.isTextual() ? node.textValue().strip() : node.toString();
  }

  private static String describe(JsonNode node) {
    return node.isArray() ? "an array" : "an object";
  }
}
