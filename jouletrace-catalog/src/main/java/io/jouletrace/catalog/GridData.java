package io.jouletrace.catalog;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvParser;
import io.jouletrace.core.carbon.AnnualIntensities.AnnualIntensity;
import io.jouletrace.core.carbon.GridCatalog;
import io.jouletrace.core.carbon.GridCatalog.CloudRegion;
import io.jouletrace.core.carbon.GridCatalog.Label;
import io.jouletrace.core.carbon.GridCatalog.Member;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.MissingResourceException;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Loads jouletrace's grid data (see {@code docs/zones.md} and {@code grid/SOURCE.md} beside the data):
 *
 * <ul>
 *   <li>annual intensity per country from Our World in Data's {@code carbon-intensity-electricity}
 *       (Ember, Energy Institute), each country's latest year, plus the world ({@code OWID_WRL}) as
 *       {@link GridCatalog#WORLD};
 *   <li>cloud regions from the Green Software Foundation's real-time-cloud region metadata: each
 *       region's latest year with an Electricity Maps annual average, its country taken from the
 *       Electricity Maps zone id;
 *   <li>labels ({@code zone-labels.csv}) that stand for a weighted set of zones or regions.
 * </ul>
 *
 * <p>Bad data fails with an {@link IllegalArgumentException} naming the file, line and column.
 */
public final class GridData {

  static final String FOLDER = "/io/jouletrace/catalog/grid/";
  static final String OWID_FILE = "owid-carbon-intensity-electricity.csv";
  static final String GSF_FILE = "gsf-cloud-region-metadata.csv";
  static final String LABELS_FILE = "zone-labels.csv";

  private static final String OWID_CODE = "Code";
  private static final String OWID_ENTITY = "Entity";
  private static final String OWID_YEAR = "Year";
  private static final String OWID_VALUE = "Carbon intensity of electricity - gCO2/kWh";
  private static final String OWID_WORLD = "OWID_WRL";

  private static final String GSF_YEAR = "year";
  private static final String GSF_PROVIDER = "cloud-provider";
  private static final String GSF_REGION = "cloud-region";
  private static final String GSF_ZONE = "em-zone-id";
  private static final String GSF_AVERAGE = "grid-carbon-intensity-average-consumption-annual";
  private static final String GSF_FALLBACK = "grid-carbon-intensity";

  private static final String LABEL = "label";
  private static final String LABEL_MEMBER = "member";
  private static final String LABEL_WEIGHT = "weight";
  private static final String LABEL_WEIGHT_SOURCE = "weight_source";

  /** Short names for the providers, as they appear in sources. Others keep the name GSF gives them. */
  private static final Map<String, String> PROVIDERS = Map.of(
      "Amazon Web Services", "AWS", "Google Cloud", "Google Cloud", "Microsoft Azure", "Azure");

  /**
   * Regions that the GSF file lists twice for the same year with different zones, and the zone we
   * keep. Azure {@code northeurope} has a Finland row and an Ireland row for 2022 and 2023; Microsoft's
   * datacenter fact sheet (vendored upstream as "Ireland (North Europe).pdf") places North Europe in
   * Ireland. Any other such clash fails the load rather than be settled silently.
   */
  private static final Map<String, String> SAME_YEAR_CHOICE = Map.of("Microsoft Azure/northeurope", "IE");

  private static final CsvMapper CSV = new CsvMapper();

  private GridData() {}

  /** The grid data shipped in this jar, loaded once. */
  public static GridCatalog bundled() {
    return Bundled.loaded().catalog();
  }

  /**
   * Grid data from the three files' contents (the same layouts as the bundled files); the readers
   * are read to the end but not closed.
   */
  public static GridCatalog load(Reader owid, Reader gsf, Reader labels) {
    return read(owid, gsf, labels).catalog();
  }

  /** The bundled data with what was kept and skipped, for tests and documentation. */
  static Loaded bundledLoaded() {
    return Bundled.loaded();
  }

  /** A loaded catalog, the rows it was built from, and what was left out, one line per item. */
  record Loaded(GridCatalog catalog, List<AnnualIntensity> annual, List<CloudRegion> regions, List<Label> labels,
      List<String> skipped) {}

  static Loaded read(Reader owid, Reader gsf, Reader labels) {
    List<String> skipped = new ArrayList<>();
    List<AnnualIntensity> annual = annual(readCsv(OWID_FILE, owid), skipped);
    Map<String, AnnualIntensity> zones = new HashMap<>();
    annual.forEach(a -> zones.put(GridCatalog.normaliseZone(a.zone()), a));
    Map<String, String> skippedRegions = new LinkedHashMap<>();
    List<CloudRegion> regions = regions(readCsv(GSF_FILE, gsf), zones, skippedRegions);
    skippedRegions.forEach((code, why) -> skipped.add(GSF_FILE + ": " + why));
    Map<String, CloudRegion> regionsByCode = new HashMap<>();
    regions.forEach(r -> regionsByCode.put(GridCatalog.normaliseZone(r.code()), r));
    List<Label> labelList = labels(readCsv(LABELS_FILE, labels), zones, regionsByCode, skippedRegions);
    GridCatalog catalog = new GridCatalog(annual, regions, labelList).validated();
    return new Loaded(catalog, annual, regions, labelList, List.copyOf(skipped));
  }

  // ---- OWID: annual intensity per country ----------------------------------------------------

  private static List<AnnualIntensity> annual(Table table, List<String> skipped) {
    table.require(OWID_ENTITY, OWID_CODE, OWID_YEAR, OWID_VALUE);
    record Point(String zone, int year, double gramsPerKwh) {}
    Map<String, Point> latest = new LinkedHashMap<>();
    Set<String> seen = new HashSet<>();
    Set<String> aggregates = new LinkedHashSet<>();
    for (Row row : table.rows()) {
      String code = row.text(OWID_CODE);
      String zone;
      if (code.equals(OWID_WORLD)) {
        zone = GridCatalog.WORLD;
      } else if (code.isEmpty() || code.startsWith("OWID_")) {
        aggregates.add(row.text(OWID_ENTITY) + (code.isEmpty() ? "" : " (" + code + ")"));
        continue;
      } else if (!code.matches("[A-Z]{3}")) {
        throw row.error(OWID_CODE, "expected an ISO 3166-1 alpha-3 code, an OWID_ aggregate or nothing, got `" + code + "`");
      } else {
        zone = code;
      }
      int year = row.integer(OWID_YEAR);
      double grams = row.intensity(OWID_VALUE);
      if (!seen.add(zone + "/" + year)) throw row.error(OWID_YEAR, code + " has two rows for " + year);
      Point point = new Point(zone, year, grams);
      latest.merge(zone, point, (a, b) -> b.year() > a.year() ? b : a);
    }
    if (!aggregates.isEmpty()) {
      skipped.add(OWID_FILE + ": " + aggregates.size() + " aggregates without an ISO code skipped: "
          + String.join(", ", aggregates));
    }
    return latest.values().stream()
        .map(p -> new AnnualIntensity(p.zone(), p.gramsPerKwh(),
            "OWID carbon-intensity-electricity " + p.year() + " (Ember, Energy Institute) " + p.zone()))
        .toList();
  }

  // ---- GSF: cloud regions --------------------------------------------------------------------

  private record GsfRow(Row row, int year, String provider, String region, String zone, Double average,
      Double fallback) {}

  private static List<CloudRegion> regions(Table table, Map<String, AnnualIntensity> zones,
      Map<String, String> skipped) {
    table.require(GSF_YEAR, GSF_PROVIDER, GSF_REGION, GSF_ZONE, GSF_AVERAGE, GSF_FALLBACK);
    Map<String, List<GsfRow>> byRegion = new LinkedHashMap<>();
    for (Row row : table.rows()) {
      var gsf = new GsfRow(row, row.integer(GSF_YEAR), row.required(GSF_PROVIDER), row.required(GSF_REGION),
          row.text(GSF_ZONE), row.optionalIntensity(GSF_AVERAGE), row.optionalIntensity(GSF_FALLBACK));
      byRegion.computeIfAbsent(gsf.provider() + "/" + gsf.region(), k -> new ArrayList<>()).add(gsf);
    }
    List<CloudRegion> regions = new ArrayList<>();
    Map<String, CloudRegion> byCode = new HashMap<>();
    for (List<GsfRow> rows : byRegion.values()) {
      GsfRow first = rows.getFirst();
      String provider = PROVIDERS.getOrDefault(first.provider(), first.provider());
      String name = provider + " " + first.region();
      String key = GridCatalog.normaliseZone(first.region());
      boolean usedFallback = false;
      GsfRow chosen = latest(rows, GsfRow::average, skipped);
      if (chosen == null) {
        chosen = latest(rows, GsfRow::fallback, skipped);
        usedFallback = true;
      }
      if (chosen == null) {
        skipped.putIfAbsent(key, name + ": no " + GSF_AVERAGE + " or " + GSF_FALLBACK + " in any year (lines "
            + lines(rows) + ")");
        continue;
      }
      String where = name + " (" + chosen.year() + ", line " + chosen.row().line() + ")";
      if (chosen.zone().isEmpty()) {
        skipped.putIfAbsent(key, where + ": no Electricity Maps zone (" + GSF_ZONE + " is empty), so no country");
        continue;
      }
      Optional<String> country = iso3(chosen.zone());
      if (country.isEmpty()) {
        skipped.putIfAbsent(key, where + ": " + GSF_ZONE + " `" + chosen.zone() + "` does not start with an ISO 3166-1 alpha-2 code");
        continue;
      }
      if (!zones.containsKey(country.get())) {
        skipped.putIfAbsent(key, where + ": country " + country.get() + " (from " + GSF_ZONE + " `" + chosen.zone()
            + "`) is not in " + OWID_FILE);
        continue;
      }
      CloudRegion earlier = byCode.get(key);
      if (earlier != null) {
        skipped.put(key + "/" + provider, where + ": region code " + first.region() + " is already "
            + earlier.provider() + "'s; kept the first");
        continue;
      }
      String source = usedFallback
          ? "GSF real-time-cloud " + chosen.year() + " " + GSF_FALLBACK
              + " (WattTime marginal annual; no Electricity Maps average in any year), " + name
          : "GSF real-time-cloud " + chosen.year() + " Electricity Maps annual average, " + name;
      double grams = usedFallback ? chosen.fallback() : chosen.average();
      CloudRegion region = new CloudRegion(provider, first.region(), country.get(), grams, source);
      byCode.put(key, region);
      regions.add(region);
    }
    return regions;
  }

  /** The row of the latest year that has a value, or null; two rows for that year must agree or be listed in SAME_YEAR_CHOICE. */
  private static GsfRow latest(List<GsfRow> rows, java.util.function.Function<GsfRow, Double> value,
      Map<String, String> notes) {
    List<GsfRow> withValue = rows.stream().filter(r -> value.apply(r) != null).toList();
    if (withValue.isEmpty()) return null;
    int year = withValue.stream().mapToInt(GsfRow::year).max().orElseThrow();
    List<GsfRow> tied = withValue.stream().filter(r -> r.year() == year).toList();
    GsfRow first = tied.getFirst();
    boolean agree = tied.stream().allMatch(r -> r.zone().equals(first.zone()) && value.apply(r).equals(value.apply(first)));
    if (agree) return first;
    String key = first.provider() + "/" + first.region();
    String zone = SAME_YEAR_CHOICE.get(key);
    GsfRow pick = zone == null ? null : tied.stream().filter(r -> r.zone().equals(zone)).findFirst().orElse(null);
    String rowsText = tied.stream().map(r -> "line " + r.row().line() + " zone `" + r.zone() + "` " + value.apply(r))
        .collect(Collectors.joining(", "));
    if (pick == null) {
      throw first.row().error(GSF_REGION, first.provider() + " " + first.region() + " has " + tied.size()
          + " different rows for " + year + " (" + rowsText + "); say which to keep");
    }
    notes.put(GridCatalog.normaliseZone(first.region()) + "/" + year, PROVIDERS.getOrDefault(first.provider(), first.provider())
        + " " + first.region() + " " + year + " has " + tied.size() + " rows (" + rowsText + "); kept zone " + zone
        + " (line " + pick.row().line() + "), the region's documented location");
    return pick;
  }

  private static String lines(List<GsfRow> rows) {
    return rows.stream().map(r -> String.valueOf(r.row().line())).collect(Collectors.joining(", "));
  }

  /**
   * The ISO alpha-3 country of an Electricity Maps zone id, whose first two letters are the ISO
   * alpha-2 country ({@code US-MIDA-PJM}, {@code DK-DK2}, {@code JP}).
   */
  static Optional<String> iso3(String emZone) {
    String zone = emZone.strip();
    if (zone.length() < 2 || (zone.length() > 2 && zone.charAt(2) != '-')) return Optional.empty();
    String alpha2 = zone.substring(0, 2);
    if (!alpha2.matches("[A-Z]{2}")) return Optional.empty();
    try {
      String alpha3 = Locale.of("", alpha2).getISO3Country();
      return alpha3.isEmpty() ? Optional.empty() : Optional.of(alpha3);
    } catch (MissingResourceException e) {
      return Optional.empty();
    }
  }

  // ---- labels --------------------------------------------------------------------------------

  private static List<Label> labels(Table table, Map<String, AnnualIntensity> zones, Map<String, CloudRegion> regions,
      Map<String, String> skippedRegions) {
    table.require(LABEL, LABEL_MEMBER, LABEL_WEIGHT, LABEL_WEIGHT_SOURCE);
    Map<String, List<Row>> byLabel = new LinkedHashMap<>();
    for (Row row : table.rows()) {
      String name = row.required(LABEL);
      if (!name.matches("\\S+")) throw row.error(LABEL, "a label is one word, got `" + name + "`");
      String key = GridCatalog.normaliseZone(name);
      if (regions.containsKey(key)) throw row.error(LABEL, "`" + name + "` is already a cloud region");
      if (zones.containsKey(key)) throw row.error(LABEL, "`" + name + "` is already a zone");
      byLabel.computeIfAbsent(key, k -> new ArrayList<>()).add(row);
    }
    List<Label> labels = new ArrayList<>();
    for (List<Row> rows : byLabel.values()) {
      Row first = rows.getFirst();
      String name = first.text(LABEL);
      String weightSource = first.required(LABEL_WEIGHT_SOURCE);
      List<Member> members = new ArrayList<>();
      Set<String> seen = new HashSet<>();
      for (Row row : rows) {
        String member = row.required(LABEL_MEMBER);
        String key = GridCatalog.normaliseZone(member);
        if (!regions.containsKey(key) && !zones.containsKey(key)) {
          String why = skippedRegions.get(key);
          throw row.error(LABEL_MEMBER, "`" + member + "` is neither a cloud region nor a zone"
              + (why == null ? "" : " (skipped: " + why + ")"));
        }
        if (!seen.add(key)) throw row.error(LABEL_MEMBER, "`" + member + "` appears twice in label " + name);
        if (!row.text(LABEL_WEIGHT_SOURCE).equals(weightSource)) {
          throw row.error(LABEL_WEIGHT_SOURCE, "label " + name + " has one weight source for all its members (`"
              + weightSource + "` on line " + first.line() + ")");
        }
        members.add(new Member(member, row.positive(LABEL_WEIGHT)));
      }
      labels.add(new Label(name, members, weighting(first, name, members, weightSource)));
    }
    return labels;
  }

  /**
   * The label's weighting in words, from the basis that starts its {@code weight_source}
   * ({@code population: World Bank ...}, {@code equal}, {@code single}).
   */
  private static String weighting(Row first, String name, List<Member> members, String weightSource) {
    int colon = weightSource.indexOf(':');
    String basis = (colon < 0 ? weightSource : weightSource.substring(0, colon)).strip();
    String detail = colon < 0 ? "" : weightSource.substring(colon + 1).strip();
    String codes = members.stream().map(Member::code).collect(Collectors.joining(", "));
    String suffix = detail.isEmpty() ? "" : "; weights: " + detail;
    switch (basis) {
      case "single" -> {
        if (members.size() != 1) {
          throw first.error(LABEL_WEIGHT_SOURCE, "label " + name + " is `single` but has " + members.size() + " members");
        }
        return codes + " alone" + suffix;
      }
      case "equal" -> {
        if (members.stream().map(Member::weight).distinct().count() != 1) {
          throw first.error(LABEL_WEIGHT_SOURCE, "label " + name + " is `equal` but its weights differ");
        }
        return "equal-weight mean of " + codes + suffix;
      }
      default -> {
        if (!basis.matches("[a-z]+(-[a-z]+)*")) {
          throw first.error(LABEL_WEIGHT_SOURCE, "expected `single`, `equal` or `<basis>: <source>` "
              + "(e.g. `population: World Bank SP.POP.TOTL ...`), got `" + weightSource + "`");
        }
        return basis + "-weighted mean of " + codes + suffix;
      }
    }
  }

  // ---- CSV -----------------------------------------------------------------------------------

  /** A CSV file's header and rows, quoted fields allowed (RFC 4180, as Jackson reads it). */
  private record Table(String file, List<String> header, List<Row> rows) {
    void require(String... columns) {
      for (String column : columns) {
        if (!header.contains(column)) {
          throw new IllegalArgumentException(file + ", line 1: no column `" + column + "` in the header " + header);
        }
      }
    }
  }

  /** One data row, each field with the line it starts on. */
  private record Row(String file, int line, List<String> header, List<String> fields, List<Integer> fieldLines) {

    private int index(String column) {
      int index = header.indexOf(column);
      if (index < 0) throw new IllegalArgumentException(file + ": no column `" + column + "`");
      return index;
    }

    /** The field, without surrounding blanks. */
    String text(String column) {
      return fields.get(index(column)).strip();
    }

    String required(String column) {
      String text = text(column);
      if (text.isEmpty()) throw error(column, "must not be empty");
      return text;
    }

    int integer(String column) {
      String text = required(column);
      try {
        return Integer.parseInt(text);
      } catch (NumberFormatException e) {
        throw error(column, "not a whole number: `" + text + "`");
      }
    }

    double number(String column) {
      String text = required(column);
      double value;
      try {
        value = Double.parseDouble(text);
      } catch (NumberFormatException e) {
        throw error(column, "not a number: `" + text + "`");
      }
      if (!Double.isFinite(value)) throw error(column, "not a finite number: `" + text + "`");
      return value;
    }

    /** An intensity in gCO2/kWh: a number, zero or more. */
    double intensity(String column) {
      double value = number(column);
      if (value < 0) throw error(column, "an intensity cannot be negative, got " + value);
      return value;
    }

    Double optionalIntensity(String column) {
      return text(column).isEmpty() ? null : intensity(column);
    }

    double positive(String column) {
      double value = number(column);
      if (!(value > 0)) throw error(column, "must be > 0, got " + value);
      return value;
    }

    IllegalArgumentException error(String column, String message) {
      int index = index(column);
      return new IllegalArgumentException(String.format(Locale.ROOT, "%s, line %d, column %d (%s): %s", file,
          fieldLines.get(index), index + 1, column, message));
    }
  }

  private static Table readCsv(String file, Reader reader) {
    List<String> header = null;
    List<Row> rows = new ArrayList<>();
    int rowLine = 1;
    try (CsvParser parser = (CsvParser) CSV.getFactory().createParser(reader)) {
      parser.disable(com.fasterxml.jackson.core.JsonParser.Feature.AUTO_CLOSE_SOURCE);
      JsonToken token;
      while ((token = parser.nextToken()) != null) {
        if (token != JsonToken.START_ARRAY) continue;
        List<String> fields = new ArrayList<>();
        List<Integer> lines = new ArrayList<>();
        while ((token = parser.nextToken()) == JsonToken.VALUE_STRING) {
          JsonLocation at = parser.currentTokenLocation();
          if (fields.isEmpty()) rowLine = at.getLineNr();
          fields.add(parser.getText());
          lines.add(at.getLineNr());
        }
        if (token != JsonToken.END_ARRAY) {
          throw new IllegalArgumentException(file + ", line " + parser.currentTokenLocation().getLineNr()
              + ": unexpected " + token);
        }
        if (fields.isEmpty() || (fields.size() == 1 && fields.getFirst().isBlank())) continue;
        if (header == null) {
          fields.set(0, fields.getFirst().replace("\uFEFF", ""));
          header = fields.stream().map(String::strip).toList();
          if (new HashSet<>(header).size() != header.size()) {
            throw new IllegalArgumentException(file + ", line " + rowLine + ": the header names a column twice: " + header);
          }
          continue;
        }
        checkWidth(file, header, fields, lines, rowLine);
        rows.add(new Row(file, rowLine, header, List.copyOf(fields), List.copyOf(lines)));
      }
    } catch (JacksonException e) {
      JsonLocation at = e.getLocation();
      String where = at == null ? "" : ", line " + at.getLineNr() + ", column " + at.getColumnNr() + " (character)";
      throw new IllegalArgumentException(file + where + ": malformed CSV in the row starting on line " + rowLine
          + ": " + e.getOriginalMessage(), e);
    } catch (IOException e) {
      throw new UncheckedIOException("reading " + file, e);
    }
    if (header == null) throw new IllegalArgumentException(file + ", line 1: empty file, expected a header");
    return new Table(file, header, List.copyOf(rows));
  }

  private static void checkWidth(String file, List<String> header, List<String> fields, List<Integer> lines, int rowLine) {
    if (fields.size() < header.size()) {
      int missing = fields.size();
      throw new IllegalArgumentException(String.format(Locale.ROOT,
          "%s, line %d, column %d (%s): missing; the row has %d fields, the header %d", file, lines.getLast(),
          missing + 1, header.get(missing), fields.size(), header.size()));
    }
    if (fields.size() > header.size()) {
      int extra = header.size();
      throw new IllegalArgumentException(String.format(Locale.ROOT,
          "%s, line %d, column %d: unexpected field `%s`; the header has %d columns", file, lines.get(extra),
          extra + 1, fields.get(extra), header.size()));
    }
  }

  // ---- bundled -------------------------------------------------------------------------------

  /** Loads the bundled files on first use; a failure is kept and thrown on every call, not hidden behind NoClassDefFoundError. */
  private static final class Bundled {
    private static final Loaded LOADED;
    private static final RuntimeException FAILURE;

    static {
      Loaded loaded = null;
      RuntimeException failure = null;
      try {
        loaded = loadBundled();
      } catch (RuntimeException e) {
        failure = e;
      }
      LOADED = loaded;
      FAILURE = failure;
    }

    static Loaded loaded() {
      if (FAILURE != null) throw new IllegalStateException("bundled grid data cannot be loaded: " + FAILURE.getMessage(), FAILURE);
      return LOADED;
    }

    private static Loaded loadBundled() {
      try (Reader owid = open(OWID_FILE); Reader gsf = open(GSF_FILE); Reader labels = open(LABELS_FILE)) {
        return read(owid, gsf, labels);
      } catch (IOException e) {
        throw new UncheckedIOException("reading bundled grid data", e);
      }
    }

    private static Reader open(String file) {
      return new InputStreamReader(Resources.open(FOLDER + file), StandardCharsets.UTF_8);
    }
  }
}
