package io.jouletrace.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStreamReader;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The distributed CLI jar ({@code target/jouletrace.jar}, built by {@code package}) on the building machine: within its
 * size budget, carrying one platform's DuckDB and RocksDB natives, and still running {@code estimate}, {@code serve} on
 * the embedded DuckDB ledger, and {@code stream replay}, whose state stores are RocksDB's.
 */
class CliJarIT {

  private static final Path JAR = Path.of(System.getProperty("jouletrace.cli.jar", "target/jouletrace.jar"));
  private static final long BUDGET_BYTES = 80L * 1000 * 1000;
  /** The built platform's (the pom's platform profiles name them); the smaller libraries keep all three platforms. */
  private static final Set<String> DUCKDB_AND_ROCKSDB = Set.of(System.getProperty("jouletrace.native.duckdb", "libduckdb_java.so_linux_amd64"),
      System.getProperty("jouletrace.native.rocksdb", "librocksdbjni-linux64.so"));
  private static final Pattern SUPPORTED_SMALL_NATIVE = Pattern.compile(
      "(?i).*(linux|darwin|mac)[-/](x86_64|amd64|aarch64|arm64)/[^/]+\\.(so|dylib|jnilib)");

  @TempDir
  Path dir;

  @Test
  void staysWithinItsBudgetWithOnePlatformsDuckDbAndRocksDbNatives() throws IOException {
    long size = Files.size(JAR);
    System.out.printf("%s: %.1f MB%n", JAR, size / 1e6);
    assertThat(size).isLessThanOrEqualTo(BUDGET_BYTES);
    List<String> natives = new ArrayList<>();
    try (ZipFile zip = new ZipFile(JAR.toFile())) {
      zip.stream().map(e -> e.getName()).filter(n -> n.matches("(?i).*\\.(so|dll|dylib|jnilib)|.*libduckdb_java\\.so_.*")).forEach(natives::add);
    }
    assertThat(natives).containsAll(DUCKDB_AND_ROCKSDB);
    assertThat(natives).allSatisfy(name -> assertThat(DUCKDB_AND_ROCKSDB.contains(name) || SUPPORTED_SMALL_NATIVE.matcher(name).matches())
        .as("native %s belongs to a supported platform", name).isTrue());
  }

  @Test
  void estimates() throws Exception {
    Finished run = run("estimate", "--provider", "mistralai", "--model", "open-mistral-7b", "--output-tokens", "100", "--json");
    assertThat(run.exit()).as(run.output()).isZero();
    assertThat(run.output()).contains("\"methodology_version\":\"ecologits-0.9.3\"").contains("\"wh\":");
  }

  @Test
  void servesOnTheEmbeddedDuckDbLedger() throws Exception {
    HttpResponse<String> health = ServeProcess.health(start("serve", "--port", "0", "--data", dir.resolve("ledger").toString()));
    assertThat(health).as("serve named its port").isNotNull();
    assertThat(health.statusCode()).as(health.body()).isEqualTo(200);
    assertThat(dir.resolve("ledger")).isDirectoryContaining(p -> p.getFileName().toString().endsWith(".duckdb"));
  }

  @Test
  void replaysAStreamThroughRocksDbStateStores() throws Exception {
    Path records = dir.resolve("calls.jsonl");
    Files.writeString(records, """
        {"id":"c1","timestamp":"2026-03-01T14:00:00Z","provider":"mistralai","model":"open-mistral-7b","output_tokens":100}
        """);
    Finished run = run("stream", "replay", "--records", records.toString(), "--json");
    assertThat(run.exit()).as(run.output()).isZero();
    assertThat(run.output()).contains("\"total_calls\":1");
  }

  private record Finished(int exit, String output) {}

  private Finished run(String... args) throws Exception {
    Process process = start(args);
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(120, TimeUnit.SECONDS)).isTrue();
    return new Finished(process.exitValue(), output);
  }

  /** The jar as the launcher runs it: its own JVM, native access allowed (DuckDB and RocksDB load libraries). */
  private Process start(String... args) throws IOException {
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "--enable-native-access=ALL-UNNAMED", "-Djava.io.tmpdir=" + dir, "-jar", JAR.toAbsolutePath().toString()));
    command.addAll(List.of(args));
    return new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
  }
}
