package io.jouletrace.ledger.telemetry;

import io.jouletrace.core.attribution.MeterSample;
import io.jouletrace.core.attribution.MeterSample.Kind;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Prometheus text exposition 0.0.4 and OpenMetrics text, as scraped from dcgm-exporter, Kepler,
 * Scaphandre and the like; a file may hold many scrapes one after another. Only energy and power
 * families are read, each converted to J or W:
 *
 * <ul>
 *   <li>{@code DCGM_FI_DEV_POWER_USAGE}: W gauge; {@code DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION}: mJ counter;
 *   <li>{@code *_joules_total}: J counter; {@code *_millijoules[_total]}: mJ; {@code *_microjoules[_total]}: µJ;
 *   <li>{@code *_watts}: W gauge; {@code *_milliwatts}: mW; {@code *_microwatts}: µW.
 * </ul>
 *
 * Every other family (and those the options' metric filter leaves out) is skipped without comment;
 * {@code # HELP}, {@code # TYPE}, {@code # EOF} and other comments too. A sample's resource is its
 * first label among the options' resource labels.
 *
 * <p>A sample without a timestamp (what an exporter's {@code /metrics} serves) takes the time of the last
 * {@code # scrape_time <RFC 3339 or epoch seconds>} comment before it, so that scrapes collected one after another
 * each say when they were taken ({@code echo "# scrape_time $(date -u +%FT%T.%3NZ)"; curl -s …/metrics}); before any
 * such comment it takes the options' scrape time, and without one it is rejected. {@code NaN} and DCGM's blank sentinels are missing
 * readings. Two series that give one resource a reading of the same kind at the same time cannot both
 * be meters of it: the second is rejected.
 */
final class PrometheusReader extends TelemetryReader<MeterSample> {

  private static final BigDecimal ONE = BigDecimal.ONE;
  private static final BigDecimal MILLI = new BigDecimal("0.001");
  private static final BigDecimal MICRO = new BigDecimal("0.000001");
  private static final BigDecimal MILLIS_FROM = new BigDecimal("1e11");
  /** DCGM_FP64_BLANK and the NOT_FOUND, NOT_SUPPORTED, NOT_PERMISSIONED values just above it. */
  private static final double FP64_BLANK = 140737488355328.0;
  /** DCGM_INT64_BLANK 0x7ffffffffffffff0 and above (as a double, 2^63). */
  private static final double INT64_BLANK = 0x7ffffffffffffff0L;

  private record Family(Kind kind, BigDecimal factor) {}

  private record Last(Instant time, String series, long line) {}

  private final BufferedReader lines;
  private final MeterOptions options;
  private final boolean openMetrics;
  private final Map<String, Last> last = new HashMap<>();
  private long lineNumber;
  /** The time of the last {@code # scrape_time} comment, null before the first. */
  private Instant commentScrapeTime;
  /** The line of the last {@code # scrape_time} comment, when it could not be read (then it gives no time). */
  private long badScrapeTimeLine;

  /** @param openMetrics whether the input looked like OpenMetrics (a {@code # EOF} line near its start) */
  PrometheusReader(InputStream in, String name, MeterOptions options, boolean openMetrics) {
    super(name, "Prometheus text");
    this.lines = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
    this.options = options;
    this.openMetrics = openMetrics;
  }

  @Override
  boolean advance() throws IOException {
    String line = lines.readLine();
    if (line == null) return false;
    lineNumber++;
    try {
      read(line);
    } catch (Bad bad) {
      reject(lineNumber, bad);
    }
    return true;
  }

  private void read(String text) throws Bad {
    Cursor c = new Cursor(text);
    c.skipBlanks();
    if (c.atEnd()) return;
    if (c.peek() == '#') {
      scrapeTimeComment(text);
      return;
    }
    String metric;
    Map<String, String> labels = new TreeMap<>();
    if (c.peek() == '{') {
      metric = c.labels(labels); // OpenMetrics 2 / Prometheus 3 quoted name inside the braces
      if (metric == null) throw new Bad("", "not a sample line: no metric name");
      if (!ours(metric)) return;
    } else {
      metric = c.name();
      if (metric.isEmpty()) throw new Bad("", "not a sample line: expected a metric name, got \"" + abbreviate(text) + "\"");
      if (!ours(metric)) return; // another family: not ours to judge
      if (!c.atEnd() && c.peek() == '{' && c.labels(labels) != null) {
        throw new Bad("labels", "names the metric twice");
      }
    }
    Family family = family(metric);
    if (c.atEnd() || !c.blank()) throw new Bad("value", "expected a space and the value after " + metric);
    c.skipBlanks();
    String valueText = c.token();
    c.skipBlanks();
    String timeText = !c.atEnd() && c.peek() != '#' ? c.token() : null;
    c.skipBlanks();
    if (!c.atEnd() && c.peek() != '#') throw new Bad("", "unexpected text after the timestamp: \"" + abbreviate(c.rest()) + "\"");

    Instant time = time(timeText);
    String resource = resource(labels);
    double value = value(metric, family, valueText);
    String series = metric + labels;
    String key = resource + '\0' + family.kind;
    Last previous = last.get(key);
    if (previous != null && previous.time.equals(time)) {
      if (previous.series.equals(series)) {
        throw new Bad("", "repeats the series of line " + previous.line + " at the same time " + time);
      }
      throw new Bad("resource", "\"" + resource + "\" already has a " + Units.name(family.kind) + " reading at " + time
          + " from line " + previous.line + " (another series); give each series its own resource label or leave one metric out");
    }
    last.put(key, new Last(time, series, lineNumber));
    emit(Double.isNaN(value) ? MeterSample.missing(resource, time, family.kind) : new MeterSample(resource, time, family.kind, value));
  }

  private boolean ours(String metric) {
    return family(metric) != null && options.metricFilter().test(metric);
  }

  private static Family family(String metric) {
    switch (metric) {
      case "DCGM_FI_DEV_POWER_USAGE" -> {
        return new Family(Kind.POWER, ONE);
      }
      case "DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION" -> {
        return new Family(Kind.ENERGY, MILLI);
      }
      default -> {
        // suffix rules below
      }
    }
    if (metric.endsWith("_microjoules_total") || metric.endsWith("_microjoules")) return new Family(Kind.ENERGY, MICRO);
    if (metric.endsWith("_millijoules_total") || metric.endsWith("_millijoules")) return new Family(Kind.ENERGY, MILLI);
    if (metric.endsWith("_joules_total")) return new Family(Kind.ENERGY, ONE);
    if (metric.endsWith("_microwatts")) return new Family(Kind.POWER, MICRO);
    if (metric.endsWith("_milliwatts")) return new Family(Kind.POWER, MILLI);
    if (metric.endsWith("_watts")) return new Family(Kind.POWER, ONE);
    return null;
  }

  private static final Pattern SCRAPE_TIME = Pattern.compile("#\\s*scrape_time(?:\\s+(.*))?");

  /** Takes the time of a {@code # scrape_time …} comment; other comments say nothing we need. */
  private void scrapeTimeComment(String text) throws Bad {
    Matcher m = SCRAPE_TIME.matcher(text.strip());
    if (!m.matches()) return;
    commentScrapeTime = null;
    badScrapeTimeLine = lineNumber;
    commentScrapeTime = Values.time("scrape_time", m.group(1), null);
    badScrapeTimeLine = 0;
  }

  private Instant time(String text) throws Bad {
    if (text == null) {
      if (badScrapeTimeLine > 0) {
        throw new Bad("timestamp", "the sample has no timestamp and the # scrape_time comment of line " + badScrapeTimeLine
            + " above it could not be read");
      }
      if (commentScrapeTime != null) return commentScrapeTime;
      if (options.scrapeTime() != null) return options.scrapeTime();
      throw new Bad("timestamp", "the sample has no timestamp and no scrape time was given (a # scrape_time comment before "
          + "it, or --scrape-time)");
    }
    BigDecimal t = Values.decimal(text);
    if (t == null) throw new Bad("timestamp", "must be a number, got \"" + abbreviate(text) + "\"");
    boolean millis = switch (options.promTimestamps()) {
      case MILLISECONDS -> true;
      case SECONDS -> false;
      case AUTO -> !openMetrics && t.abs().compareTo(MILLIS_FROM) >= 0;
    };
    return Values.epochSeconds("timestamp", millis ? t.movePointLeft(3) : t, text);
  }

  private String resource(Map<String, String> labels) throws Bad {
    for (String label : options.resourceLabels()) {
      String value = labels.get(label);
      if (value == null || value.isBlank()) continue;
      String v = value.strip();
      return label.equals("gpu") && v.chars().allMatch(Character::isDigit) ? "gpu" + v : v;
    }
    if (options.defaultResource() != null) return options.defaultResource();
    throw new Bad("resource", "the sample has none of the labels " + String.join(", ", options.resourceLabels())
        + " and no default resource was given");
  }

  private static double value(String metric, Family family, String text) throws Bad {
    String lower = text.toLowerCase(Locale.ROOT);
    if (lower.equals("nan")) return Double.NaN;
    if (lower.matches("[-+]?inf(inity)?")) throw new Bad("value", "must be finite, got " + text);
    BigDecimal amount = Values.decimal(text);
    if (amount == null) throw new Bad("value", "must be a number, got \"" + abbreviate(text) + "\"");
    if (amount.signum() < 0) throw new Bad("value", "must be >= 0, got " + text);
    double raw = amount.doubleValue();
    if (metric.startsWith("DCGM_") && (raw >= INT64_BLANK || raw >= FP64_BLANK && raw <= FP64_BLANK + 3)) return Double.NaN;
    return Values.times("value", amount, family.factor);
  }

  private static String abbreviate(String text) {
    return text.length() <= 60 ? text : text.substring(0, 57) + "...";
  }

  @Override
  long currentLine() {
    return lineNumber + 1;
  }

  @Override
  public void close() throws IOException {
    lines.close();
  }

  /** Reads one exposition line left to right. */
  private static final class Cursor {
    private final String s;
    private int i;

    Cursor(String s) {
      this.s = s;
    }

    boolean atEnd() {
      return i >= s.length();
    }

    char peek() {
      return s.charAt(i);
    }

    boolean blank() {
      return peek() == ' ' || peek() == '\t';
    }

    void skipBlanks() {
      while (!atEnd() && blank()) i++;
    }

    String rest() {
      return s.substring(i);
    }

    /** A metric or label name: {@code [a-zA-Z_:][a-zA-Z0-9_:]*}; empty when there is none here. */
    String name() {
      int start = i;
      while (!atEnd()) {
        char ch = peek();
        boolean ok = ch == '_' || ch == ':' || ch >= 'a' && ch <= 'z' || ch >= 'A' && ch <= 'Z' || i > start && ch >= '0' && ch <= '9';
        if (!ok) break;
        i++;
      }
      return s.substring(start, i);
    }

    /** Up to the next blank. */
    String token() {
      int start = i;
      while (!atEnd() && !blank()) i++;
      return s.substring(start, i);
    }

    /**
     * Reads {@code {name="value",…}} into {@code labels}; returns the metric name when the braces hold
     * one (a quoted string without {@code =}), else {@code null}.
     */
    String labels(Map<String, String> labels) throws Bad {
      i++; // '{'
      String metric = null;
      while (true) {
        skipBlanks();
        if (atEnd()) throw new Bad("labels", "the label set is not closed with }");
        if (peek() == '}') {
          i++;
          return metric;
        }
        String label;
        if (peek() == '"') {
          label = quoted();
          skipBlanks();
          if (atEnd() || peek() != '=') {
            if (metric != null) throw new Bad("labels", "names the metric twice");
            metric = label;
            if (!atEnd() && peek() == ',') i++;
            continue;
          }
        } else {
          label = name();
          if (label.isEmpty() || label.contains(":")) {
            throw new Bad("labels", "expected a label name at column " + (i + 1));
          }
          skipBlanks();
        }
        if (atEnd() || peek() != '=') throw new Bad("labels", "expected = after label " + label);
        i++;
        skipBlanks();
        if (atEnd() || peek() != '"') throw new Bad("labels", "the value of label " + label + " must be in double quotes");
        String value = quoted();
        if (labels.putIfAbsent(label, value) != null) throw new Bad("labels", "names label " + label + " twice");
        skipBlanks();
        if (!atEnd() && peek() == ',') {
          i++;
        } else if (atEnd() || peek() != '}') {
          throw new Bad("labels", "expected , or } after the value of label " + label);
        }
      }
    }

    /** A double-quoted string with the escapes {@code \\}, {@code \"} and {@code \n}. */
    private String quoted() throws Bad {
      i++; // opening quote
      StringBuilder out = new StringBuilder();
      while (!atEnd()) {
        char ch = s.charAt(i++);
        if (ch == '"') return out.toString();
        if (ch != '\\') {
          out.append(ch);
          continue;
        }
        if (atEnd()) break;
        char escaped = s.charAt(i++);
        switch (escaped) {
          case '\\' -> out.append('\\');
          case '"' -> out.append('"');
          case 'n' -> out.append('\n');
          default -> throw new Bad("labels", "unknown escape \\" + escaped + " in a label value (use \\\\, \\\" or \\n)");
        }
      }
      throw new Bad("labels", "a quoted string is not closed");
    }
  }
}
