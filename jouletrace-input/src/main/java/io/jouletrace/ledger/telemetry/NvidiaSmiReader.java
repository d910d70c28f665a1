package io.jouletrace.ledger.telemetry;

import io.jouletrace.core.attribution.MeterSample;
import io.jouletrace.core.attribution.MeterSample.Kind;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.ZoneId;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code nvidia-smi --query-gpu=timestamp,index,uuid,power.draw,… --format=csv[,nounits][,noheader]}.
 * Header cells may carry units ({@code power.draw [W]}); values may too ({@code 512.34 W}) or not
 * ({@code nounits}); a bracketed marker such as {@code [N/A]} or {@code [Not Supported]} is a missing
 * reading. Timestamps ({@code 2026/03/01 14:00:00.100}) have no zone: they are read in the zone the
 * options give. The resource is the {@code uuid}, else {@code gpu<index>}.
 *
 * <p>Each row gives one power sample, from the first of {@code power.draw}, {@code power.draw.average},
 * {@code power.draw.instant} that the header names (W unless the header or value says otherwise), and
 * one energy-counter sample from {@code total_energy_consumption} when present (mJ unless told otherwise).
 */
final class NvidiaSmiReader extends CsvTelemetryReader<MeterSample> {

  static final String ENERGY = "total_energy_consumption";
  static final List<String> POWER_PREFERENCE = List.of("power.draw", "power.draw.average", "power.draw.instant");
  private static final Pattern HEADER_UNIT = Pattern.compile("(.*?)\\s*\\[([^\\]]*)]");
  private static final Pattern READING = Pattern.compile("(\\S+?)\\s*([a-zA-Z\\u00b5\\u03bc]+)?");

  private final ZoneId zone;
  private Integer timestamp;
  private Integer uuid;
  private Integer index;
  private String powerColumn;
  private Integer power;
  private String powerUnit;
  private Integer energy;
  private String energyUnit;

  NvidiaSmiReader(InputStream in, String name, ZoneId zone, List<String> columns) throws IOException {
    super(in, name, "CSV", columns);
    this.zone = zone;
  }

  @Override
  String header(List<String> cells) {
    Map<String, Integer> columns;
    Map<String, String> units = new HashMap<>();
    try {
      columns = index(cells, c -> TelemetryFormat.column(c));
    } catch (Bad bad) {
      return bad.reason;
    }
    for (String cell : cells) {
      Matcher m = HEADER_UNIT.matcher(cell.strip());
      if (m.matches()) units.put(TelemetryFormat.column(cell), m.group(2).strip());
    }
    String example = "timestamp, index, uuid, power.draw [W]";
    String lacking = lacking(columns, List.of("timestamp"), example);
    if (lacking != null) return lacking;
    timestamp = columns.get("timestamp");
    uuid = columns.get("uuid");
    index = columns.get("index");
    if (uuid == null && index == null) return "header row names neither uuid nor index, so rows cannot name their GPU";
    powerColumn = POWER_PREFERENCE.stream().filter(columns::containsKey).findFirst().orElse(null);
    power = powerColumn == null ? null : columns.get(powerColumn);
    powerUnit = powerColumn == null ? null : units.get(powerColumn);
    energy = columns.get(ENERGY);
    energyUnit = units.get(ENERGY);
    if (power == null && energy == null) {
      return "header row names no power column (" + String.join(", ", POWER_PREFERENCE) + ") and no " + ENERGY;
    }
    try {
      if (powerUnit != null) Units.forKind(powerColumn, powerUnit, Kind.POWER);
      if (energyUnit != null) Units.forKind(ENERGY, energyUnit, Kind.ENERGY);
    } catch (Bad bad) {
      return "header row: " + bad.field + ": " + bad.reason;
    }
    return null;
  }

  @Override
  void row(List<String> cells, long line) throws Bad {
    Instant time = Values.time("timestamp", cell(cells, timestamp), zone);
    String id = cell(cells, uuid);
    if (id == null || id.isEmpty() || Values.isMissing(id)) {
      String i = cell(cells, index);
      if (i == null || i.isEmpty()) throw new Bad(uuid != null ? "uuid" : "index", "is required");
      if (!i.chars().allMatch(Character::isDigit)) throw new Bad("index", "must be a GPU index like 0, got \"" + i + "\"");
      id = "gpu" + i;
    }
    MeterSample p = power == null ? null : reading(id, time, Kind.POWER, powerColumn, cell(cells, power), powerUnit, "W");
    MeterSample e = energy == null ? null : reading(id, time, Kind.ENERGY, ENERGY, cell(cells, energy), energyUnit, "mJ");
    if (p != null) emit(p);
    if (e != null) emit(e);
  }

  private static MeterSample reading(String id, Instant time, Kind kind, String field, String text, String headerUnit,
      String defaultUnit) throws Bad {
    if (Values.isMissing(text) || text.startsWith("[") && text.endsWith("]")) return MeterSample.missing(id, time, kind);
    Matcher m = READING.matcher(text);
    if (!m.matches() || Values.decimal(m.group(1)) == null) throw new Bad(field, "must be a number, got \"" + text + "\"");
    String symbol = m.group(2) != null ? m.group(2) : headerUnit != null ? headerUnit : defaultUnit;
    Units unit = Units.forKind(field, symbol, kind);
    BigDecimal amount = Values.nonNegative(field, m.group(1));
    return new MeterSample(id, time, kind, Values.times(field, amount, unit.factor));
  }
}
