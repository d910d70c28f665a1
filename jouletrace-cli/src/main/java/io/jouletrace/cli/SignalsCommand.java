package io.jouletrace.cli;

import io.jouletrace.catalog.GridData;
import io.jouletrace.core.carbon.GridCatalog;
import io.jouletrace.ledger.Ledger;
import io.jouletrace.ledger.store.Store;
import io.jouletrace.ledger.telemetry.IntensityPoint;
import io.jouletrace.ledger.telemetry.PuePoint;
import io.jouletrace.ledger.telemetry.Readings;
import io.jouletrace.ledger.telemetry.SignalReaders;
import io.jouletrace.ledger.telemetry.TelemetryFormat;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code jouletrace signals}: time series that figures draw on (grid intensity, PUE). */
@Command(name = "signals", mixinStandardHelpOptions = true, description = "Grid-intensity and PUE time series.",
    subcommands = SignalsCommand.Ingest.class)
final class SignalsCommand {

  /** {@code jouletrace signals ingest FILE…}. */
  @Command(name = "ingest", mixinStandardHelpOptions = true,
      description = {"Store grid-intensity series (zone,timestamp,g_per_kwh CSV; Electricity Maps or WattTime JSON) or PUE series",
          "(facility,timestamp,pue CSV) in the ledger. Records ingested afterwards take the intensity in force at their time",
          "in their zone or region (an explicit intensity on a record still wins); `attribute --pue-facility F` takes F's PUE.",
          "A record is figured with the series stored before it: ingest series before the records they should figure.",
          "Exit status: 0 done; 1 a zone is not one jouletrace knows; 3 some lines were rejected (listed; the rest was stored)."})
  static final class Ingest implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    LedgerOptions ledgerOptions;

    @Parameters(paramLabel = "FILE", arity = "1..*", description = "Series files (format sniffed; gzip read too).")
    List<Path> files;

    @Option(names = "--zone", paramLabel = "ZONE",
        description = "The jouletrace zone or cloud region every intensity point stands for, overriding the file's zone "
            + "(needed for sub-national grid zones such as US-CAL-CISO or WattTime regions).")
    String zone;

    @Option(names = "--facility", paramLabel = "NAME", description = "The facility every PUE point stands for, overriding the file's.")
    String facility;

    private final GridCatalog grid = GridData.bundled();

    @Override
    public Integer call() throws IOException {
      List<Store.SignalPoint> points = new ArrayList<>();
      List<String> rejected = new ArrayList<>();
      for (Path file : files) {
        TelemetryFormat format = TelemetryFormat.sniff(file)
            .orElseThrow(() -> new IllegalArgumentException(file + ": not a grid-intensity or PUE series"));
        switch (format) {
          case INTENSITY_CSV, INTENSITY_JSON -> {
            Readings<IntensityPoint> read = SignalReaders.readIntensity(file);
            for (IntensityPoint p : read.values()) {
              points.add(new Store.SignalPoint(Store.SignalPoint.INTENSITY, key(file, zone == null ? p.zone() : zone), p.time(),
                  p.gramsPerKwh(), file.getFileName().toString()));
            }
            rejected.addAll(read.rejectedLines());
          }
          case PUE_CSV -> {
            Readings<PuePoint> read = SignalReaders.readPue(file);
            for (PuePoint p : read.values()) {
              points.add(new Store.SignalPoint(Store.SignalPoint.PUE, facility == null ? p.facility() : facility, p.time(), p.pue(),
                  file.getFileName().toString()));
            }
            rejected.addAll(read.rejectedLines());
          }
          default -> throw new IllegalArgumentException(file + ": a " + format + " file is not a series (meters go to `attribute`)");
        }
      }
      try (Ledger ledger = ledgerOptions.open()) {
        ledger.addSignals(points);
      }
      Map<String, Integer> perSeries = new TreeMap<>();
      points.forEach(p -> perSeries.merge(p.kind() + " " + p.key(), 1, Integer::sum));
      PrintWriter out = spec.commandLine().getOut();
      perSeries.forEach((series, count) -> out.printf("%s: %d points stored%n", series, count));
      out.flush();
      rejected.forEach(spec.commandLine().getErr()::println);
      spec.commandLine().getErr().flush();
      return rejected.isEmpty() ? 0 : 3;
    }

    private String key(Path file, String given) {
      return grid.signalKey(given).orElseThrow(() -> new IllegalArgumentException(file + ": zone `" + given + "` is not a country "
          + "(ISO alpha-3 or a two-letter Electricity Maps zone), cloud region or label that jouletrace knows; give --zone "
          + "to say which one this series stands for (see docs/zones.md)"));
    }
  }
}
