package io.jouletrace.catalog;

import io.jouletrace.core.hash.Sha256;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The releases of the bundled data files (docs/zones.md, "Dataset releases"). {@code datasets.csv} names every vendored
 * file's dataset id and sha256; an id ends in a revision ({@code grid-owid.1}) that a changed file must bump, which a
 * test enforces. A figure stores the releases that figured it as {@code id@release} joined by {@code ,}, where the
 * release is the first 12 hex digits of the file's sha256 (of a several-file dataset: of its files' sha256s, one a
 * line, in manifest order).
 */
public final class Datasets {

  static final String MANIFEST = "/io/jouletrace/catalog/datasets.csv";

  /** The grid data every methodology's carbon may draw on. */
  private static final List<String> GRID = List.of("grid-owid", "grid-gsf", "grid-labels");

  /** Manifest rows: dataset id → (file → sha256), in manifest order. */
  private static final Map<String, Map<String, String>> FILES = load();

  /**
   * {@link #forMethodology}'s answers by version (empty: bundles none). Every new figure set asks, and working it out
   * again each time cost more than the estimate itself (JFR, docs/benchmarks.md).
   */
  private static final Map<String, Optional<String>> BY_METHODOLOGY = new ConcurrentHashMap<>();

  private Datasets() {}

  /**
   * The dataset releases that figure {@code methodologyVersion}'s figures with the bundled data: the methodology's own
   * registry and electricity mixes, its rates or leaderboard, and the grid data; {@code null} for a version that
   * bundles none (measured sets).
   */
  public static String forMethodology(String methodologyVersion) {
    return BY_METHODOLOGY.computeIfAbsent(methodologyVersion, version -> Optional.ofNullable(releasesOf(version))).orElse(null);
  }

  private static String releasesOf(String methodologyVersion) {
    List<String> own;
    if (methodologyVersion.startsWith("ecologits-")) {
      own = List.of(methodologyVersion + "-models", methodologyVersion + "-mixes");
    } else if (methodologyVersion.equals(Catalog.AIENERGYSCORE_VERSION)) {
      own = List.of(Catalog.AIENERGYSCORE_VERSION);
    } else if (methodologyVersion.equals(Catalog.RATES_VERSION)) {
      own = List.of("rates-default");
    } else {
      return null;
    }
    return Stream.concat(own.stream(), GRID.stream()).map(Datasets::release).collect(Collectors.joining(","));
  }

  /** {@code id@release} of the dataset called {@code name} (its id without the revision). */
  static String release(String name) {
    String id = FILES.keySet().stream().filter(k -> k.substring(0, k.lastIndexOf('.')).equals(name)).findFirst()
        .orElseThrow(() -> new IllegalStateException(MANIFEST + " has no dataset " + name));
    Map<String, String> files = FILES.get(id);
    String release = files.size() == 1 ? files.values().iterator().next()
        : sha256(files.values().stream().map(sha -> sha + "\n").collect(Collectors.joining()).getBytes(StandardCharsets.UTF_8));
    return id + "@" + release.substring(0, 12);
  }

  /** Manifest rows as (dataset id, file, sha256), for the test that holds the files to them. */
  static List<List<String>> manifest() {
    List<List<String>> rows = new ArrayList<>();
    FILES.forEach((id, files) -> files.forEach((file, sha) -> rows.add(List.of(id, file, sha))));
    return rows;
  }

  static String sha256(byte[] bytes) {
    return Sha256.hexDigest(bytes);
  }

  private static Map<String, Map<String, String>> load() {
    Map<String, Map<String, String>> files = new LinkedHashMap<>();
    for (Resources.Row row : Resources.readCsv(MANIFEST).rows()) {
      String id = row.get("dataset");
      if (!id.matches(".+\\.\\d+")) {
        throw new IllegalStateException(MANIFEST + ":" + row.line() + ": field 'dataset': `" + id + "` does not end in .REVISION");
      }
      files.computeIfAbsent(id, k -> new LinkedHashMap<>()).put(row.get("file"), row.get("sha256"));
    }
    return files;
  }
}
