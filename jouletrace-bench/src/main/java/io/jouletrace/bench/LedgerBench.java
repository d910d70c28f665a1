package io.jouletrace.bench;

import io.jouletrace.catalog.Catalog;
import io.jouletrace.core.figure.Figure;
import io.jouletrace.core.methodology.Estimate;
import io.jouletrace.core.methodology.Estimator;
import io.jouletrace.core.record.InvocationRecord;
import io.jouletrace.core.record.Operation;
import io.jouletrace.ledger.entry.FigureSet;
import io.jouletrace.ledger.Ingest;
import io.jouletrace.ledger.Ledger;
import io.jouletrace.ledger.entry.LedgerEntry;
import io.jouletrace.ledger.VerifyReport;
import io.jouletrace.ledger.chain.ChainHasher;
import io.jouletrace.ledger.ingest.InputFiles;
import io.jouletrace.ledger.ingest.Parsed;
import io.jouletrace.ledger.ingest.RecordReader;
import io.jouletrace.ledger.store.DuckDbStore;
import io.jouletrace.ledger.store.Store;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.stream.Stream;

/**
 * The ledger's macro benchmark: generates N synthetic JSONL calls, measures the physical reference
 * (SHA-256 and line splitting of the file), a real ingest into a fresh DuckDB ledger, a re-ingest of
 * the same file (all duplicates), and a verify; then, on the first million records, where ingest and
 * verify spend their time (parse, figure + chain, store append, scan). Prints one line per step and a
 * Markdown summary for docs/benchmarks.md. Not JMH: one cold run, as the CLI would do it.
 *
 * <p>Run: {@code ./mvnw -q -B -ntp -DskipTests -pl jouletrace-bench -am package && $JAVA_HOME/bin/java -Xmx1g
 * --enable-native-access=ALL-UNNAMED -cp jouletrace-bench/target/benchmarks.jar io.jouletrace.bench.LedgerBench
 * --records 10000000} (options: {@code --dir DIR}, {@code --batch-size N}, {@code --profile-records N} (0 skips the
 * breakdown), {@code --keep}, and for experiments {@code --duckdb-set "checkpoint_threshold = '4GB'"}, applied to every
 * store the bench opens). A full 10 M run takes ~10 minutes on 2 cores and needs ~3 GB for the JSONL plus ~1.6 GB
 * for the ledger; verify's {@code ORDER BY seq} peaks at ~18 GB RSS there.
 *
 * <p>MB here is 10^6 bytes.
 */
public final class LedgerBench {

  private static final long SEED = 20_261_125L;
  private static final double MB = 1e6;
  private static final String METHODOLOGY = Catalog.DEFAULT_METHODOLOGY;
  private static final Instant START = LocalDate.of(2026, 10, 1).atStartOfDay(ZoneOffset.UTC).toInstant();
  private static final long MONTH_MILLIS = 30L * 24 * 3600 * 1000;

  /** One model of the mix; {@code tps} output tokens per second for latency, {@code known} whether EcoLogits figures it. */
  private record Model(String provider, String model, String operation, double weight, double medianIn, double medianOut,
      double tps, boolean known) {}

  private static final List<Model> MODELS = List.of(
      new Model("openai", "gpt-4o-mini", null, 0.22, 600, 200, 90, true),
      new Model("openai", "gpt-4o", null, 0.14, 900, 300, 60, true),
      new Model("anthropic", "claude-sonnet-4-0", null, 0.16, 1500, 350, 55, true),
      new Model("anthropic", "claude-opus-4-1", null, 0.04, 2500, 500, 30, true),
      new Model("mistralai", "open-mistral-7b", null, 0.06, 400, 150, 120, true),
      new Model("mistralai", "mistral-large-latest", null, 0.07, 1000, 300, 45, true),
      new Model("huggingface_hub", "meta-llama/Meta-Llama-3.1-8B-Instruct", null, 0.10, 500, 200, 110, true),
      new Model("google_genai", "gemini-2.0-flash", "generate_content", 0.18, 800, 250, 150, true),
      // ~2 % unknown to EcoLogits: null figures with a reason
      new Model("acme", "acme-chat-pro", null, 0.012, 700, 250, 80, false),
      new Model("internal", "support-router-v2", null, 0.008, 300, 60, 100, false),
      // ~1 % embeddings: no output tokens
      new Model("openai", "text-embedding-3-small", "embeddings", 0.01, 300, 0, 0, false));

  private static final String[] ZONES = {"FRA", "DEU", "USA", "SWE", "GBR", "IRL", "JPN", "NLD", "CAN", "BRA", "IND", "POL"};
  private static final String[] REGIONS = {"us-east-1", "us-west-2", "eu-west-1", "eu-central-1", "eu-north-1", "ap-northeast-1",
      "europe-west1", "europe-west4", "us-central1", "australiaeast", "us-east", "eu-west"};

  /** Experiment only: DuckDB settings applied (by reflection) to every store the bench opens, e.g. {@code checkpoint_threshold = '1GB'}. */
  private static final List<String> DUCKDB_SETTINGS = new ArrayList<>();

  private final long records;
  private final int batchSize;
  private final long profileRecords;
  private final Path dir;
  private final boolean tempDir;
  private final boolean keep;
  private final List<String[]> table = new ArrayList<>();
  private final List<String> failures = new ArrayList<>();
  private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();

  private LedgerBench(long records, int batchSize, long profileRecords, Path dir, boolean tempDir, boolean keep) {
    this.records = records;
    this.batchSize = batchSize;
    this.profileRecords = profileRecords;
    this.dir = dir;
    this.tempDir = tempDir;
    this.keep = keep;
  }

  public static void main(String[] args) throws Exception {
    long records = 10_000_000;
    int batchSize = 50_000;
    long profileRecords = 1_000_000;
    Path dir = null;
    boolean keep = false;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--records" -> records = Long.parseLong(args[++i].replace("_", ""));
        case "--batch-size" -> batchSize = Integer.parseInt(args[++i].replace("_", ""));
        case "--profile-records" -> profileRecords = Long.parseLong(args[++i].replace("_", ""));
        case "--dir" -> dir = Path.of(args[++i]);
        case "--keep" -> keep = true;
        case "--duckdb-set" -> DUCKDB_SETTINGS.add(args[++i]);
        default -> {
          System.err.println("usage: LedgerBench [--records N] [--dir DIR] [--batch-size N] [--profile-records N (0: skip)] [--keep]"
              + " [--duckdb-set 'name = value']…");
          System.exit(2);
        }
      }
    }
    boolean temp = dir == null;
    if (temp) dir = Files.createTempDirectory("ledgerbench-");
    Files.createDirectories(dir);
    if (Files.exists(dir.resolve("data")) || Files.exists(dir.resolve("profile-data"))) {
      System.err.println(dir + " holds data/ or profile-data/ from an earlier run: remove them or choose another --dir");
      System.exit(2);
    }
    LedgerBench bench = new LedgerBench(records, batchSize, Math.min(profileRecords, records), dir, temp, keep);
    int exit;
    try {
      exit = bench.run();
    } finally {
      bench.cleanUp();
    }
    System.exit(exit);
  }

  private int run() throws Exception {
    if (threads.isThreadContentionMonitoringSupported()) threads.setThreadContentionMonitoringEnabled(true);
    System.out.printf(Locale.ROOT, "LedgerBench: %s records, batch %s, dir %s%s%n", count(records), count(batchSize), dir,
        DUCKDB_SETTINGS.isEmpty() ? "" : ", DuckDB settings " + DUCKDB_SETTINGS);
    System.out.printf(Locale.ROOT, "machine: %s; JDK %s; max heap %d MiB; load average at start: %s%n",
        machine(), jdk(), Runtime.getRuntime().maxMemory() >> 20, loadAverage());

    long t0 = System.nanoTime();
    Estimator estimator = Catalog.estimator(Catalog.Options.defaults());
    System.out.printf(Locale.ROOT, "catalog loaded in %.2f s%n", seconds(t0));
    checkModels(estimator);

    Path file = dir.resolve("calls.jsonl");
    generate(file);
    long bytes = Files.size(file);
    physicalReference(file, bytes);
    long ingestStart = System.nanoTime();
    Ingest.Summary first = ingest(file, bytes, estimator, "3. ingest, fresh ledger", false);
    duckDbCsvLoad(seconds(ingestStart));
    Ingest.Summary again = ingest(file, bytes, estimator, "4. re-ingest (all duplicates)", true);
    if (again.accepted() != 0) failures.add("re-ingest accepted " + again.accepted() + " records, expected 0");
    if (!again.headHash().equals(first.headHash())) failures.add("head hash changed on re-ingest: " + first.headHash() + " -> " + again.headHash());
    System.out.printf(Locale.ROOT, "   head seq %s, hash %s (%s)%n", count(again.headSeq()), again.headHash(),
        again.headHash().equals(first.headHash()) ? "unchanged" : "CHANGED");
    verify(estimator, first.headHash());
    profile(file, estimator);
    summary(bytes);
    if (!failures.isEmpty()) {
      System.out.println();
      for (String f : failures) System.out.println("FAILED: " + f);
      return 1;
    }
    return 0;
  }

  // ---------------------------------------------------------------- model check

  private void checkModels(Estimator estimator) {
    List<String> lines = new ArrayList<>();
    for (Model m : MODELS) {
      InvocationRecord.Builder b = InvocationRecord.builder(m.provider(), m.model(), m.medianOut() == 0 ? 0 : (long) m.medianOut())
          .inputTokens((long) m.medianIn()).latencySeconds(m.tps() == 0 ? 0.1 : m.medianOut() / m.tps());
      if (m.operation() != null) b.operation(Operation.of(m.operation()));
      Estimate e = estimator.estimate(b.build());
      boolean known = e.energy() instanceof Figure.Known;
      lines.add(m.provider() + "/" + m.model() + (known ? " ok" : " null"));
      if (m.known() && !known) failures.add("model " + m.provider() + "/" + m.model() + " has no energy figure: " + e.nullReasons());
    }
    System.out.println("models (energy known?): " + String.join(", ", lines));
  }

  // ---------------------------------------------------------------- 1. generate

  private void generate(Path file) throws IOException {
    long t0 = System.nanoTime();
    writeCalls(file, records);
    double s = seconds(t0);
    long bytes = Files.size(file);
    step("1. generate JSONL", s, records, bytes, String.format(Locale.ROOT, "%.1f MB, %.0f bytes/record", bytes / MB, (double) bytes / records));
  }

  /** Writes {@code records} synthetic calls as JSONL: the model mix above, 20 tenants, 50 teams, one month from {@link #START}. */
  static void writeCalls(Path file, long records) throws IOException {
    SplittableRandom rnd = new SplittableRandom(SEED);
    double[] modelCdf = cdf(MODELS.stream().mapToDouble(Model::weight).toArray());
    double[] tenantCdf = cdf(zipf(20, 0.9));
    double[] teamCdf = cdf(zipf(5, 1.0));
    HexFormat hex = HexFormat.of();
    StringBuilder line = new StringBuilder(512);
    try (BufferedWriter w = new BufferedWriter(new OutputStreamWriter(Files.newOutputStream(file), StandardCharsets.UTF_8), 1 << 20)) {
      for (long n = 1; n <= records; n++) {
        line.setLength(0);
        Model m = MODELS.get(pick(modelCdf, rnd));
        int tenant = pick(tenantCdf, rnd);
        int team = (tenant * 5 + pick(teamCdf, rnd) * 3) % 50;
        long millis = START.toEpochMilli() + (n - 1) * MONTH_MILLIS / records + rnd.nextLong(-60_000, 60_000);
        line.append("{\"id\":\"bench-").append(n)
            .append("\",\"timestamp\":\"").append(Instant.ofEpochMilli(Math.max(millis, START.toEpochMilli())))
            .append("\",\"tenant\":\"tenant-").append(pad2(tenant + 1))
            .append("\",\"team\":\"team-").append(pad2(team + 1))
            .append("\",\"cost_center\":\"cc-").append(1000 + team % 10).append('"');
        if (rnd.nextDouble() < 0.7) {
          line.append(",\"trace_id\":\"").append(hex.toHexDigits(rnd.nextLong())).append(hex.toHexDigits(rnd.nextLong())).append('"');
        }
        line.append(",\"provider\":\"").append(m.provider()).append("\",\"model\":\"").append(m.model()).append('"');
        boolean embeddings = "embeddings".equals(m.operation());
        if (m.operation() != null) {
          line.append(",\"operation\":\"").append(m.operation()).append('"');
        } else if (rnd.nextDouble() < 0.3) {
          line.append(",\"operation\":\"chat\"");
        }
        long in = logNormal(rnd, m.medianIn(), 1.0, 1, 128_000);
        line.append(",\"input_tokens\":").append(in);
        long out = embeddings ? 0 : logNormal(rnd, m.medianOut(), 0.9, 1, 16_000);
        if (!embeddings) line.append(",\"output_tokens\":").append(out);
        if (!embeddings && m.model().startsWith("claude") && rnd.nextDouble() < 0.15) {
          line.append(",\"reasoning_tokens\":").append(logNormal(rnd, 400, 0.8, 1, 32_000));
        }
        if (in > 1000 && rnd.nextDouble() < 0.2) line.append(",\"cached_input_tokens\":").append((long) (in * rnd.nextDouble()));
        if (rnd.nextDouble() < 0.93) {
          double latency = embeddings ? 0.05 + 0.25 * rnd.nextDouble()
              : 0.2 + 0.6 * rnd.nextDouble() + out / m.tps() * Math.exp(0.3 * rnd.nextGaussian());
          long ms = Math.max(1, Math.round(latency * 1000));
          line.append(",\"latency_s\":").append(ms / 1000).append('.').append(pad3(ms % 1000));
        }
        double placement = rnd.nextDouble();
        if (placement < 0.35) {
          line.append(",\"zone\":\"").append(ZONES[rnd.nextInt(ZONES.length)]).append('"');
        } else if (placement < 0.70) {
          line.append(",\"region\":\"").append(REGIONS[rnd.nextInt(REGIONS.length)]).append('"');
        } else if (placement < 0.715) {
          line.append(",\"intensity_g_per_kwh\":").append(50 + rnd.nextInt(600));
        }
        line.append("}\n");
        w.append(line);
      }
      w.flush();
    }
  }

  private static double[] zipf(int n, double s) {
    double[] w = new double[n];
    for (int i = 0; i < n; i++) w[i] = 1 / Math.pow(i + 1, s);
    return w;
  }

  private static double[] cdf(double[] weights) {
    double total = 0;
    for (double w : weights) total += w;
    double[] cdf = new double[weights.length];
    double acc = 0;
    for (int i = 0; i < weights.length; i++) cdf[i] = (acc += weights[i]) / total;
    cdf[cdf.length - 1] = 1.0;
    return cdf;
  }

  private static int pick(double[] cdf, SplittableRandom rnd) {
    double u = rnd.nextDouble();
    for (int i = 0; i < cdf.length; i++) if (u < cdf[i]) return i;
    return cdf.length - 1;
  }

  private static long logNormal(SplittableRandom rnd, double median, double sigma, long min, long max) {
    long v = Math.round(median * Math.exp(sigma * rnd.nextGaussian()));
    return Math.clamp(v, min, max);
  }

  private static String pad2(int v) {
    return v < 10 ? "0" + v : Integer.toString(v);
  }

  private static String pad3(long v) {
    return v < 10 ? "00" + v : v < 100 ? "0" + v : Long.toString(v);
  }

  // ---------------------------------------------------------------- 2. physical reference

  private void physicalReference(Path file, long bytes) throws IOException, NoSuchAlgorithmException {
    MessageDigest sha = MessageDigest.getInstance("SHA-256");
    byte[] buffer = new byte[1 << 20];
    long t0 = System.nanoTime();
    try (InputStream in = Files.newInputStream(file)) {
      for (int n; (n = in.read(buffer)) > 0; ) sha.update(buffer, 0, n);
    }
    String digest = HexFormat.of().formatHex(sha.digest());
    step("2a. read + SHA-256", seconds(t0), records, bytes, "sha256 " + digest.substring(0, 16) + "…");

    t0 = System.nanoTime();
    long newlines = 0;
    try (InputStream in = Files.newInputStream(file)) {
      for (int n; (n = in.read(buffer)) > 0; ) {
        for (int i = 0; i < n; i++) if (buffer[i] == '\n') newlines++;
      }
    }
    step("2b. read bytes + count '\\n'", seconds(t0), newlines, bytes, count(newlines) + " lines");

    t0 = System.nanoTime();
    long lines = 0;
    long chars = 0;
    try (BufferedReader r = new BufferedReader(new InputStreamReader(Files.newInputStream(file), StandardCharsets.UTF_8), 1 << 16)) {
      for (String l; (l = r.readLine()) != null; ) {
        lines++;
        chars += l.length();
      }
    }
    step("2c. read + UTF-8 decode + split lines", seconds(t0), lines, bytes, count(lines) + " lines, " + count(chars) + " chars (JsonlReader's reader, no parsing)");

    t0 = System.nanoTime();
    String output = run("sha256sum", file.toString());
    sha256sumSeconds = seconds(t0);
    step("2d. `sha256sum` (coreutils) of the file", sha256sumSeconds, records, bytes, output.isEmpty() ? "" : output.substring(0, 16) + "…");
  }

  /** Seconds `sha256sum` took over the file, the physical reference; ingest's ratio to it is printed. */
  private double sha256sumSeconds = Double.NaN;

  /** Runs a command, returning its standard output (its failure is a bench failure). */
  private String run(String... command) throws IOException {
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    try {
      if (process.waitFor() != 0) failures.add(String.join(" ", command) + " failed: " + output.strip());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException(e);
    }
    return output;
  }

  // ---------------------------------------------------------------- 3b. DuckDB's own CSV load of the same rows

  /**
   * The store's floor: the rows ingest stored, exported as CSV (not timed), loaded by DuckDB's own CSV reader
   * ({@code COPY … FROM}) into a fresh ledger file of the same schema, committed and checkpointed.
   */
  private void duckDbCsvLoad(double ingestSeconds) throws Exception {
    Path rows = dir.resolve("rows.csv");
    Path fresh = dir.resolve("csvload-data");
    try (java.sql.Connection ledger = java.sql.DriverManager.getConnection("jdbc:duckdb:" + dir.resolve("data").resolve(DuckDbStore.FILE_NAME));
        java.sql.Statement st = ledger.createStatement()) {
      st.execute("COPY ledger_records TO '" + rows + "' (HEADER)");
    }
    DuckDbStore.open(fresh).close(); // the same schema, by the same migrations
    long t0;
    try (java.sql.Connection connection = java.sql.DriverManager.getConnection("jdbc:duckdb:" + fresh.resolve(DuckDbStore.FILE_NAME));
        java.sql.Statement st = connection.createStatement()) {
      st.execute("SET preserve_insertion_order = false");
      st.execute("SET checkpoint_threshold = '1GB'");
      t0 = System.nanoTime();
      st.execute("COPY ledger_records FROM '" + rows + "' (HEADER)");
      st.execute("CHECKPOINT");
    }
    double s = seconds(t0);
    step("3b. DuckDB's own CSV load of the same rows (COPY FROM + CHECKPOINT)", s, records, Files.size(rows),
        String.format(Locale.ROOT, "%.1f MB of CSV; ingest took %.1f× this, %.1f× `sha256sum`", Files.size(rows) / MB, ingestSeconds / s,
            ingestSeconds / sha256sumSeconds));
    deleteTree(fresh);
    Files.deleteIfExists(rows);
  }

  // ---------------------------------------------------------------- 3./4. ingest

  private Ingest.Summary ingest(Path file, long bytes, Estimator estimator, String name, boolean again) throws IOException {
    Set<Long> before = committerIds();
    long mainId = Thread.currentThread().threadId();
    ThreadInfo mainBefore = threads.getThreadInfo(mainId);
    Resources r0 = Resources.start();
    long t0 = System.nanoTime();
    Ingest.Summary summary;
    long openNanos;
    long committerCpu = 0;
    long committerWaited = 0;
    try (Ledger ledger = Ledger.open(openStore(dir.resolve("data")), signal -> estimator, null);
        Ledger.Writer writer = ledger.writer(METHODOLOGY, batchSize)) {
      openNanos = System.nanoTime() - t0;
      CountingWriter rejects = new CountingWriter();
      long[] nextReport = {1_000_000};
      summary = Ingest.run(writer, List.of(file.toString()), InputStream.nullInputStream(), rejects, (entries, accepted, duplicates, rejected) -> {
        if (entries >= nextReport[0]) {
          nextReport[0] += 1_000_000;
          System.err.printf(Locale.ROOT, "   … %s entries, %s accepted, %s duplicates, %.1f s%n", count(entries), count(accepted),
              count(duplicates), seconds(t0));
        }
      });
      if (rejects.lines > 0) failures.add(name + ": " + rejects.lines + " rejected lines, e.g. " + rejects.first);
      for (Thread t : Thread.getAllStackTraces().keySet()) {
        if (t.getName().equals("ledger-committer") && !before.contains(t.threadId())) {
          committerCpu += threads.getThreadCpuTime(t.threadId());
          ThreadInfo info = threads.getThreadInfo(t.threadId());
          if (info != null) committerWaited += info.getWaitedTime();
        }
      }
    }
    double s = seconds(t0);
    Resources used = r0.end();
    ThreadInfo mainAfter = threads.getThreadInfo(mainId);
    long mainCpu = used.mainCpuNanos;
    String notes = String.format(Locale.ROOT, "accepted %s, duplicates %s, rejected %d; %s %.2f s; %s; ledger %s",
        count(summary.accepted()), count(summary.duplicates()), summary.rejected(),
        again ? "open + fingerprint load" : "open", openNanos / 1e9, used.memory(), sizeOf(dir.resolve("data")));
    step(name, s, summary.entries(), bytes, notes);
    System.out.printf(Locale.ROOT, "   CPU: process %.1f s (%.0f%% of %d cores), main thread %.1f s, committer thread %.1f s, other (DuckDB workers, GC, JIT) %.1f s; GC %.1f s%n",
        used.processCpuNanos / 1e9, 100.0 * used.processCpuNanos / 1e9 / s / Runtime.getRuntime().availableProcessors(),
        Runtime.getRuntime().availableProcessors(), mainCpu / 1e9, committerCpu / 1e9,
        (used.processCpuNanos - mainCpu - committerCpu) / 1e9, used.gcMillis / 1e3);
    if (mainBefore != null && mainAfter != null && mainAfter.getWaitedTime() >= 0) {
      System.out.printf(Locale.ROOT, "   main thread waited %.1f s (mostly for the batch in flight); committer idle-waiting %.1f s%n",
          (mainAfter.getWaitedTime() - mainBefore.getWaitedTime()) / 1e3, committerWaited / 1e3);
    }
    return summary;
  }

  private Set<Long> committerIds() {
    Set<Long> ids = new HashSet<>();
    for (Thread t : Thread.getAllStackTraces().keySet()) if (t.getName().equals("ledger-committer")) ids.add(t.threadId());
    return ids;
  }

  /** Counts rejects instead of keeping them; keeps the first for the report. */
  private static final class CountingWriter extends Writer {
    long lines;
    String first;
    private final StringBuilder current = new StringBuilder();

    @Override
    public void write(char[] cbuf, int off, int len) {
      for (int i = off; i < off + len; i++) {
        if (cbuf[i] == '\n') {
          if (first == null) first = current.toString();
          current.setLength(0);
          lines++;
        } else if (first == null) {
          current.append(cbuf[i]);
        }
      }
    }

    @Override
    public void flush() {}

    @Override
    public void close() {}
  }

  // ---------------------------------------------------------------- 5. verify

  private void verify(Estimator estimator, String head) {
    Resources r0 = Resources.start();
    long t0 = System.nanoTime();
    VerifyReport report;
    try (Ledger ledger = Ledger.open(openStore(dir.resolve("data")), signal -> estimator, null)) {
      report = ledger.verify();
    }
    double s = seconds(t0);
    Resources used = r0.end();
    if (!report.ok()) failures.add("verify: not ok: " + report);
    if (report.recordsChecked() != records) failures.add("verify checked " + report.recordsChecked() + " records, expected " + records);
    if (!head.equals(report.headHash())) failures.add("verify head " + report.headHash() + " differs from ingest head " + head);
    step("5. verify (chain + every figure recomputed)", s, report.recordsChecked(), -1, String.format(Locale.ROOT,
        "%s; checked %s, drift %d; %s; CPU process %.1f s, main %.1f s, GC %.1f s",
        report.ok() ? "ok" : "NOT OK", count(report.recordsChecked()), report.drift(), used.memory(),
        used.processCpuNanos / 1e9, used.mainCpuNanos / 1e9, used.gcMillis / 1e3));
  }

  // ---------------------------------------------------------------- breakdown

  private void profile(Path file, Estimator estimator) throws IOException {
    long n = profileRecords;
    if (n <= 0) return;
    System.out.println();
    System.out.printf(Locale.ROOT, "Where the time goes: first %s records, one thread, no pipelining (JIT already warm)%n", count(n));

    // P1: parse only
    long t0 = System.nanoTime();
    long parsed = 0;
    try (RecordReader reader = InputFiles.open(file.toString(), InputStream.nullInputStream())) {
      for (Parsed p; parsed < n && (p = reader.next()) != null; ) {
        if (p instanceof Parsed.Accepted) parsed++;
      }
    }
    double parseS = seconds(t0);
    step("P1. parse only (InputFiles/JsonlReader → InvocationRecord)", parseS, parsed, -1, "");

    // P2: parse + estimate + FigureSet + canonical + SHA-256, no store
    ChainHasher hasher = ChainHasher.sha256();
    t0 = System.nanoTime();
    long seq = 0;
    String previous = ChainHasher.GENESIS;
    try (RecordReader reader = InputFiles.open(file.toString(), InputStream.nullInputStream())) {
      for (Parsed p; seq < n && (p = reader.next()) != null; ) {
        if (!(p instanceof Parsed.Accepted a)) continue;
        LedgerEntry entry = figure(estimator, a, ++seq);
        previous = hasher.hash(previous, entry);
      }
    }
    double chainS = seconds(t0);
    step("P2. parse + estimate + FigureSet + hash (no store)", chainS, seq, -1,
        String.format(Locale.ROOT, "estimate + hash alone ≈ %.2f s → %s records/s", chainS - parseS, rate(seq, chainS - parseS)));

    // P2b: the parts of P2 in isolation, over the first batch held in memory
    List<InvocationRecord> sample = new ArrayList<>();
    List<String> origins = new ArrayList<>();
    try (RecordReader reader = InputFiles.open(file.toString(), InputStream.nullInputStream())) {
      for (Parsed p; sample.size() < Math.min(n, 200_000) && (p = reader.next()) != null; ) {
        if (p instanceof Parsed.Accepted a) {
          sample.add(a.record());
          origins.add(a.origin());
        }
      }
    }
    if (sample.isEmpty()) return;
    int rounds = (int) Math.max(1, n / sample.size());
    t0 = System.nanoTime();
    List<FigureSet> figures = new ArrayList<>(sample.size());
    for (int round = 0; round < rounds; round++) {
      figures.clear();
      for (InvocationRecord r : sample) figures.add(FigureSet.of(estimator.estimate(r, METHODOLOGY)));
    }
    double estimateS = seconds(t0);
    step("P2a. estimate + FigureSet.of only (in memory)", estimateS, (long) rounds * sample.size(), -1, "");
    List<LedgerEntry> entries = new ArrayList<>(sample.size());
    for (int i = 0; i < sample.size(); i++) entries.add(new LedgerEntry(i + 1, sample.get(i), figures.get(i), origins.get(i), null));
    t0 = System.nanoTime();
    for (int round = 0; round < rounds; round++) {
      previous = ChainHasher.GENESIS;
      for (LedgerEntry e : entries) previous = hasher.hash(previous, e);
    }
    double hashS = seconds(t0);
    step("P2b. canonical encode + SHA-256 only (in memory)", hashS, (long) rounds * entries.size(), -1, "");
    sample = null;
    origins = null;
    figures = null;
    entries = null;

    // P3: serial parse + figure + chain, then store.append per batch into a fresh store (no committer thread)
    Path profileData = dir.resolve("profile-data");
    long prepareNanos = 0;
    long appendNanos = 0;
    long appended = 0;
    try (DuckDbStore store = openStore(profileData);
        RecordReader reader = InputFiles.open(file.toString(), InputStream.nullInputStream())) {
      List<LedgerEntry> batch = new ArrayList<>(batchSize);
      previous = ChainHasher.GENESIS;
      seq = 0;
      long start = System.nanoTime();
      for (Parsed p; seq < n && (p = reader.next()) != null; ) {
        if (!(p instanceof Parsed.Accepted a)) continue;
        LedgerEntry unsealed = figure(estimator, a, ++seq);
        previous = hasher.hash(previous, unsealed);
        batch.add(new LedgerEntry(seq, unsealed.record(), unsealed.figures(), unsealed.sourceRef(), previous));
        if (batch.size() == batchSize || seq == n) {
          long a0 = System.nanoTime();
          prepareNanos += a0 - start;
          store.append(batch);
          appended += batch.size();
          batch.clear();
          start = System.nanoTime();
          appendNanos += start - a0;
        }
      }
      if (!batch.isEmpty()) {
        long a0 = System.nanoTime();
        prepareNanos += a0 - start;
        store.append(batch);
        appended += batch.size();
        appendNanos += System.nanoTime() - a0;
      }
    }
    step("P3. serial: parse + figure + chain, then store.append", (prepareNanos + appendNanos) / 1e9, appended, -1, String.format(Locale.ROOT,
        "prepare %.2f s, append %.2f s (%.0f%%) → append alone %s records/s (batch CSV + DuckDB read_csv INSERT + commit)",
        prepareNanos / 1e9, appendNanos / 1e9, 100.0 * appendNanos / (prepareNanos + appendNanos), rate(appended, appendNanos / 1e9)));

    // P4: the verifier's parts over the profile store
    try (DuckDbStore store = openStore(profileData)) {
      long[] rows = {0};
      t0 = System.nanoTime();
      store.scan(e -> rows[0]++);
      double coldS = seconds(t0);
      rows[0] = 0;
      t0 = System.nanoTime();
      store.scan(e -> rows[0]++);
      double scanS = seconds(t0);
      step("P4a. verify part: store.scan only (JDBC read of 45 columns → LedgerEntry)", scanS, rows[0], -1,
          String.format(Locale.ROOT, "second scan; the first (just after opening) took %.2f s", coldS));

      rows[0] = 0;
      t0 = System.nanoTime();
      store.scan(e -> {
        rows[0]++;
        if (!e.figures().differences(FigureSet.of(estimator.refigure(e.record(), e.figures().methodologyVersion(), e.figures().modelSource()))).isEmpty()) {
          throw new IllegalStateException("drift at seq " + e.seq());
        }
      });
      double recomputeS = seconds(t0);
      step("P4b. verify part: scan + recompute + compare figures", recomputeS, rows[0], -1,
          String.format(Locale.ROOT, "recompute alone ≈ %.2f s", recomputeS - scanS));

      rows[0] = 0;
      String[] prev = {ChainHasher.GENESIS};
      t0 = System.nanoTime();
      store.scan(e -> {
        rows[0]++;
        String h = hasher.hash(prev[0], e);
        if (!h.equals(e.hash())) throw new IllegalStateException("hash mismatch at seq " + e.seq());
        prev[0] = e.hash();
      });
      double scanHashS = seconds(t0);
      step("P4c. verify part: scan + rehash chain", scanHashS, rows[0], -1,
          String.format(Locale.ROOT, "hash alone ≈ %.2f s", scanHashS - scanS));
    }
  }

  /** {@link DuckDbStore#open} plus the {@code --duckdb-set} experiments. */
  private static DuckDbStore openStore(Path data) {
    DuckDbStore store = DuckDbStore.open(data);
    if (DUCKDB_SETTINGS.isEmpty()) return store;
    try {
      java.lang.reflect.Field field = Class.forName("io.jouletrace.ledger.store.JdbcStore").getDeclaredField("connection");
      field.setAccessible(true);
      java.sql.Connection connection = (java.sql.Connection) field.get(store);
      try (java.sql.Statement st = connection.createStatement()) {
        for (String setting : DUCKDB_SETTINGS) st.execute("SET " + setting);
      }
      connection.commit();
      return store;
    } catch (ReflectiveOperationException | java.sql.SQLException e) {
      store.close();
      throw new IllegalStateException("cannot apply --duckdb-set " + DUCKDB_SETTINGS, e);
    }
  }

  private static LedgerEntry figure(Estimator estimator, Parsed.Accepted a, long seq) {
    InvocationRecord r = a.record();
    Instant stored = LedgerEntry.storedTimestamp(r.timestamp());
    if (!stored.equals(r.timestamp())) {
      r = new InvocationRecord(r.id(), stored, r.tenant(), r.team(), r.costCenter(), r.traceId(), r.provider(), r.model(),
          r.operation(), r.inputTokens(), r.outputTokens(), r.reasoningTokens(), r.cachedInputTokens(), r.latencySeconds(),
          r.zone(), r.region(), r.intensityGramsPerKwh(), r.modelRequested(), r.phases());
    }
    FigureSet figures = FigureSet.of(estimator.estimate(r, METHODOLOGY));
    return new LedgerEntry(seq, r, figures, a.origin(), null);
  }

  // ---------------------------------------------------------------- output

  private void step(String name, double s, long n, long bytes, String notes) {
    String mbs = bytes < 0 ? "" : String.format(Locale.ROOT, "%.1f", bytes / MB / s);
    String load = loadAverage();
    load = load.contains(" ") ? load.substring(0, load.indexOf(' ')) : load;
    notes = notes.isEmpty() ? "load " + load : notes + "; load " + load;
    System.out.printf(Locale.ROOT, "%-62s %9.2f s  %13s records/s%s  | %s%n", name, s, rate(n, s),
        mbs.isEmpty() ? "" : String.format(Locale.ROOT, "  %8s MB/s", mbs), notes);
    table.add(new String[] {name, String.format(Locale.ROOT, "%.2f s", s), rate(n, s), mbs, notes});
  }

  private void summary(long bytes) {
    System.out.println();
    System.out.println("---- Markdown for docs/benchmarks.md ----");
    System.out.printf(Locale.ROOT, "%s synthetic JSONL records (%.0f MB, %d models across %d providers incl. ~2%% unknown and ~1%% embeddings),"
        + " batch %s, fresh embedded DuckDB ledger; LedgerBench (one JVM, cold at step 1).%n%n",
        count(records), bytes / MB, MODELS.size(), MODELS.stream().map(Model::provider).distinct().count(), count(batchSize));
    System.out.println("```sh");
    System.out.println("./mvnw -q -B -ntp -DskipTests -pl jouletrace-bench -am package");
    System.out.printf(Locale.ROOT, "$JAVA_HOME/bin/java -Xmx%dm --enable-native-access=ALL-UNNAMED -cp jouletrace-bench/target/benchmarks.jar"
        + " io.jouletrace.bench.LedgerBench --records %d --batch-size %d%s%n", Runtime.getRuntime().maxMemory() >> 20, records, batchSize,
        DUCKDB_SETTINGS.stream().map(x -> " --duckdb-set \"" + x + "\"").reduce("", String::concat));
    System.out.println("```");
    System.out.println();
    System.out.printf(Locale.ROOT, "Machine: %s; JDK %s; max heap %d MiB; load average at end %s.%n%n", machine(), jdk(),
        Runtime.getRuntime().maxMemory() >> 20, loadAverage());
    System.out.println("Notes end with the 1-minute load average when the step ended (2 cores: above ~2 means other work competed).");
    System.out.println();
    System.out.println("| date | step | wall | records/s | MB/s | notes |");
    System.out.println("|---|---|---|---|---|---|");
    String date = LocalDate.now(ZoneOffset.UTC).toString();
    for (String[] row : table) {
      System.out.printf("| %s | %s | %s | %s | %s | %s |%n", date, row[0], row[1], row[2], row[3], row[4].replace("|", "\\|"));
    }
  }

  private static String rate(long n, double s) {
    return s <= 0 ? "-" : count(Math.round(n / s));
  }

  private static String count(long n) {
    return String.format(Locale.ROOT, "%,d", n);
  }

  private static String mib(long bytes) {
    return bytes < 0 ? "n/a" : String.format(Locale.ROOT, "%d MiB", bytes >> 20);
  }

  private static double seconds(long startNanos) {
    return (System.nanoTime() - startNanos) / 1e9;
  }

  private static String sizeOf(Path dir) {
    try (Stream<Path> files = Files.walk(dir)) {
      long total = files.filter(Files::isRegularFile).mapToLong(p -> {
        try {
          return Files.size(p);
        } catch (IOException e) {
          return 0;
        }
      }).sum();
      return String.format(Locale.ROOT, "%.1f MB", total / MB);
    } catch (IOException e) {
      return "n/a";
    }
  }

  static String machine() {
    int cores = Runtime.getRuntime().availableProcessors();
    String model = "unknown CPU";
    try {
      for (String l : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
        if (l.startsWith("model name")) {
          model = l.substring(l.indexOf(':') + 1).strip();
          break;
        }
      }
    } catch (IOException | UncheckedIOException e) {
      // not Linux
    }
    return cores + " cores (nproc), " + model + ", " + System.getProperty("os.name") + " " + System.getProperty("os.version");
  }

  static String jdk() {
    String vendor = System.getProperty("java.vendor.version");
    return (vendor != null ? vendor : System.getProperty("java.vendor")) + " (" + System.getProperty("java.runtime.version") + ")";
  }

  static String loadAverage() {
    try {
      String[] f = Files.readString(Path.of("/proc/loadavg")).strip().split(" ");
      return f[0] + " " + f[1] + " " + f[2];
    } catch (IOException e) {
      return "n/a";
    }
  }

  private static final Set<String> HEAP_POOLS = heapPools();

  /** The largest heap in use right after a collection since the last reset: the live set, where "fits in -Xmx" shows. */
  private static final java.util.concurrent.atomic.AtomicLong MAX_AFTER_GC = new java.util.concurrent.atomic.AtomicLong();

  static {
    for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
      if (gc instanceof javax.management.NotificationEmitter emitter) {
        emitter.addNotificationListener((notification, handback) -> {
          if (!com.sun.management.GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION.equals(notification.getType())) return;
          var info = com.sun.management.GarbageCollectionNotificationInfo.from((javax.management.openmbean.CompositeData) notification.getUserData());
          long used = 0;
          for (var entry : info.getGcInfo().getMemoryUsageAfterGc().entrySet()) {
            if (HEAP_POOLS.contains(entry.getKey())) used += entry.getValue().getUsed();
          }
          MAX_AFTER_GC.accumulateAndGet(used, Math::max);
        }, null, null);
      }
    }
  }

  private static Set<String> heapPools() {
    Set<String> names = new HashSet<>();
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) if (pool.getType() == MemoryType.HEAP) names.add(pool.getName());
    return names;
  }

  /**
   * Peaks and CPU over one step: heap pools' peaks reset at the start (their sum is an upper bound: each pool peaks at its
   * own time, so it can exceed -Xmx), the largest heap left after a GC, RSS high-water mark reset via clear_refs.
   */
  private record Resources(long processCpuNanos, long mainCpuNanos, long gcMillis, long peakHeap, long liveAfterGc, long peakRss) {

    String memory() {
      return "heap pools' peaks summed " + mib(peakHeap) + ", max heap after GC " + (liveAfterGc == 0 ? "n/a (no GC)" : mib(liveAfterGc)) + "; peak RSS " + mib(peakRss);
    }

    static Resources start() {
      MAX_AFTER_GC.set(0);
      for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) if (pool.getType() == MemoryType.HEAP) pool.resetPeakUsage();
      try {
        Files.writeString(Path.of("/proc/self/clear_refs"), "5"); // resets VmHWM (Linux)
      } catch (IOException | RuntimeException e) {
        // peak RSS then covers the process so far
      }
      return new Resources(processCpu(), ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime(), totalGcMillis(), 0, 0, 0);
    }

    Resources end() {
      long heap = 0;
      for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
        if (pool.getType() == MemoryType.HEAP && pool.getPeakUsage() != null) heap += pool.getPeakUsage().getUsed();
      }
      return new Resources(processCpu() - processCpuNanos, ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime() - mainCpuNanos,
          totalGcMillis() - gcMillis, heap, MAX_AFTER_GC.get(), readPeakRss());
    }

    private static long processCpu() {
      return ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os ? os.getProcessCpuTime() : -1;
    }

    private static long totalGcMillis() {
      long total = 0;
      for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) total += Math.max(0, gc.getCollectionTime());
      return total;
    }

    private static long readPeakRss() {
      try {
        for (String l : Files.readAllLines(Path.of("/proc/self/status"))) {
          if (l.startsWith("VmHWM:")) return Long.parseLong(l.replaceAll("[^0-9]", "")) * 1024;
        }
      } catch (IOException | RuntimeException e) {
        // not Linux
      }
      return -1;
    }
  }

  // ---------------------------------------------------------------- clean-up

  private void cleanUp() throws IOException {
    if (keep) {
      System.out.println("kept " + dir);
      return;
    }
    if (tempDir) {
      deleteTree(dir);
    } else {
      for (String name : List.of("calls.jsonl", "data", "profile-data")) deleteTree(dir.resolve(name));
    }
  }

  private static void deleteTree(Path root) throws IOException {
    if (!Files.exists(root)) return;
    try (Stream<Path> paths = Files.walk(root)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
    }
  }
}
