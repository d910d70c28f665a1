package io.jouletrace.bench;

import io.jouletrace.catalog.Catalog;
import io.jouletrace.core.methodology.Estimator;
import io.jouletrace.ledger.Ingest;
import io.jouletrace.ledger.Ledger;
import io.jouletrace.ledger.report.Dimension;
import io.jouletrace.ledger.report.Reports;
import io.jouletrace.ledger.report.Scope;
import io.jouletrace.ledger.store.DuckDbStore;
import java.io.InputStream;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The reports' macro benchmark (issue 5): {@code report summary --by team,model,day} over a 10 M-record embedded
 * ledger, timed as the CLI and the REST route run it ({@link Reports#summary}, which also carries the default
 * {@code by_model} and {@code by_region} breakdowns), plus the team × model × day cross product
 * ({@link Reports#combinations}).
 *
 * <p>The ledger: {@code --base} records (default 1 M) from {@link LedgerBench}'s generator ingested for real (parse,
 * figure, chain, DuckDB), then copied in SQL under new seq and id until it holds {@code --records} (default 10 M).
 * The copies keep every figure and timestamp of their originals, so the data's shape (50 teams, 11 models, one month,
 * ~2 % unrated) is the ingested one; their hashes are not a valid chain, which no report reads. {@code --dir DIR}
 * keeps the ledger for later runs (it is reused when already there).
 *
 * <p>Run: {@code ./mvnw -q -B -ntp -DskipTests -pl jouletrace-bench -am package && $JAVA_HOME/bin/java -Xmx2g
 * --enable-native-access=ALL-UNNAMED -cp jouletrace-bench/target/benchmarks.jar io.jouletrace.bench.ReportBench}
 */
public final class ReportBench {

  private static final int RUNS = 7;

  public static void main(String[] args) throws Exception {
    long records = 10_000_000;
    long base = 1_000_000;
    Path dir = null;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--records" -> records = Long.parseLong(args[++i].replace("_", ""));
        case "--base" -> base = Long.parseLong(args[++i].replace("_", ""));
        case "--dir" -> dir = Path.of(args[++i]);
        default -> {
          System.err.println("usage: ReportBench [--records N] [--base N] [--dir DIR]");
          System.exit(2);
        }
      }
    }
    if (records % base != 0) throw new IllegalArgumentException("--records must be a multiple of --base");
    if (dir == null) dir = Files.createTempDirectory("reportbench-");
    System.out.printf(Locale.ROOT, "ReportBench: %,d records (%,d ingested, copied %d×), dir %s%n", records, base, records / base, dir);
    System.out.printf(Locale.ROOT, "machine: %s; JDK %s; load average at start: %s%n", LedgerBench.machine(), LedgerBench.jdk(),
        LedgerBench.loadAverage());
    Path data = dir.resolve("data");
    if (!Files.exists(data.resolve(DuckDbStore.FILE_NAME))) build(dir, data, base, records);

    try (DuckDbStore store = DuckDbStore.open(data)) {
      Reports reports = new Reports(store);
      long[] count = {0};
      store.select("count", "SELECT count(*) FROM report_figures", List.of(), rs -> count[0] = rs.getLong(1));
      System.out.printf(Locale.ROOT, "ledger holds %,d records%n", count[0]);
      Scope month = new Scope(Instant.parse("2026-10-01T00:00:00Z"), Instant.parse("2026-11-01T00:00:00Z"), Map.of());
      List<Dimension> asked = List.of(Dimension.MODEL, Dimension.REGION, Dimension.TEAM, Dimension.DAY);
      time("summary --by team,model,day (with by_model, by_region) over the month", () -> {
        Reports.Summary s = reports.summary(month, asked);
        return s.total().calls() + " calls, " + s.breakdowns().get(Dimension.TEAM).size() + " teams, "
            + s.breakdowns().get(Dimension.MODEL).size() + " models, " + s.breakdowns().get(Dimension.DAY).size() + " days";
      });
      time("summary, whole ledger (no time range)", () -> reports.summary(Scope.all(), asked).total().calls() + " calls");
      time("summary of one team (filter) --by model,day", () -> reports.summary(month.with(Dimension.TEAM, "team-07"),
          List.of(Dimension.MODEL, Dimension.REGION, Dimension.DAY)).total().calls() + " calls");
      time("combinations team × model × day", () -> reports.combinations(month, List.of(Dimension.TEAM, Dimension.MODEL, Dimension.DAY))
          .size() + " combinations");
    }
  }

  private static void build(Path dir, Path data, long base, long records) throws Exception {
    Path file = dir.resolve("calls.jsonl");
    long t0 = System.nanoTime();
    LedgerBench.writeCalls(file, base);
    Estimator estimator = Catalog.estimator(Catalog.Options.defaults());
    try (Ledger ledger = Ledger.open(DuckDbStore.open(data), signal -> estimator, null);
        Ledger.Writer writer = ledger.writer(Catalog.DEFAULT_METHODOLOGY, 50_000)) {
      StringWriter rejects = new StringWriter();
      Ingest.Summary s = Ingest.run(writer, List.of(file.toString()), InputStream.nullInputStream(), rejects, (e, a, d, r) -> {});
      if (s.accepted() != base) throw new IllegalStateException("ingested " + s.accepted() + " of " + base + ": " + rejects);
    }
    Files.delete(file);
    System.out.printf(Locale.ROOT, "ingested %,d records in %.1f s%n", base, (System.nanoTime() - t0) / 1e9);
    t0 = System.nanoTime();
    try (Connection c = DriverManager.getConnection("jdbc:duckdb:" + data.resolve(DuckDbStore.FILE_NAME).toAbsolutePath());
        Statement st = c.createStatement()) {
      st.execute("SET preserve_insertion_order = false");
      for (long copy = 1; copy < records / base; copy++) {
        st.execute("INSERT INTO ledger_records SELECT * REPLACE (seq + " + copy * base + " AS seq, id || '~" + copy + "' AS id, "
            + "(hash(id || '~" + copy + "') >> 1)::BIGINT AS id_fp) FROM ledger_records WHERE seq <= " + base);
      }
      st.execute("CHECKPOINT");
    }
    System.out.printf(Locale.ROOT, "copied to %,d records in %.1f s%n", records, (System.nanoTime() - t0) / 1e9);
  }

  private interface Run {
    String run();
  }

  /** One cold run, then {@link #RUNS} timed ones: prints each, the median and the best. */
  private static void time(String name, Run run) {
    long t0 = System.nanoTime();
    String result = run.run();
    double cold = (System.nanoTime() - t0) / 1e6;
    double[] ms = new double[RUNS];
    for (int i = 0; i < RUNS; i++) {
      t0 = System.nanoTime();
      run.run();
      ms[i] = (System.nanoTime() - t0) / 1e6;
    }
    List<String> each = new ArrayList<>();
    for (double m : ms) each.add(String.format(Locale.ROOT, "%.0f", m));
    double[] sorted = ms.clone();
    Arrays.sort(sorted);
    System.out.printf(Locale.ROOT, "%s: median %.0f ms, best %.0f ms (first run %.0f ms; runs %s) — %s%n", name, sorted[RUNS / 2], sorted[0],
        cold, String.join(", ", each), result);
  }
}
