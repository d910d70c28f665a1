package io.jouletrace.catalog;

import io.jouletrace.core.carbon.IntensityResolver;
import io.jouletrace.core.carbon.IntensitySignal;
import io.jouletrace.core.methodology.Estimator;
import io.jouletrace.core.methodology.Methodology;
import io.jouletrace.core.methodology.aienergyscore.AiEnergyScoreMethodology;
import io.jouletrace.core.methodology.ecologits.EcoLogitsCoefficients;
import io.jouletrace.core.methodology.ecologits.EcoLogitsMethodology;
import io.jouletrace.core.methodology.rates.RatesMethodology;
import io.jouletrace.core.model.ModelRegistry;
import io.jouletrace.core.model.ModelResolver;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Assembles the core's {@link Estimator} from the bundled data and the user's own files: every
 * surface (CLI, server, stream job) builds its estimator here, so all of them figure alike.
 */
public final class Catalog {

  public static final String DEFAULT_METHODOLOGY = "ecologits-0.9.3";
  /** When each methodology release took effect upstream (its tag's date, ecologits/SOURCE.md), for display. */
  public static final Map<String, java.time.LocalDate> METHODOLOGY_RELEASED = Map.of("ecologits-0.9.3", java.time.LocalDate.of(2026, 2, 25));
  public static final String AIENERGYSCORE_VERSION = "aienergyscore-2025.08.26";
  public static final String RATES_VERSION = "rates-1";

  private static final List<String> AIENERGYSCORE_TASKS = List.of("text_generation", "sentence_similarity",
      "summarization", "question_answering", "text_classification", "image_generation", "image_captioning",
      "image_classification", "object_detection", "asr");

  private Catalog() {}

  /**
   * @param modelTable a provider-documentation table in EcoLogits 0.4's {@code models.csv} layout, or {@code null}
   * @param rates a {@code model,wh_per_1k_tokens} file replacing the built-in rates, or {@code null}
   * @param deployment the deployment's intensity settings ({@link DeploymentSettings}), or {@code null} for none
   * @param signal grid-intensity time series, or {@link IntensitySignal#none()}
   */
  public record Options(Path modelTable, Path rates, Supplier<IntensityResolver.Deployment> deployment, IntensitySignal signal) {
    public Options {
      deployment = deployment == null ? IntensityResolver.Deployment.of(null) : deployment;
      signal = signal == null ? IntensitySignal.none() : signal;
    }

    public Options(Path modelTable, Path rates, IntensityResolver.DeploymentDefault deploymentDefault) {
      this(modelTable, rates, IntensityResolver.Deployment.of(deploymentDefault), IntensitySignal.none());
    }

    public static Options defaults() {
      return new Options(null, null, null);
    }
  }

  /** The estimator on the bundled data alone, as {@code jouletrace estimate} figures without flags: what an application embeds. */
  public static Estimator estimator() {
    return estimator(Options.defaults());
  }

  public static Estimator estimator(Options options) {
    ModelRegistry providerTable = options.modelTable() == null ? null : providerTable(options.modelTable());
    List<Methodology> all = new ArrayList<>();
    // Oldest first: the family name alone ("ecologits") means the release registered last.
    for (EcoLogitsCoefficients release : List.of(EcoLogitsCoefficients.V0_4_0, EcoLogitsCoefficients.V0_8_2,
        EcoLogitsCoefficients.V0_9_1, EcoLogitsCoefficients.V0_9_3)) {
      all.add(new EcoLogitsMethodology(release, new ModelResolver(EcoLogitsData.registry(release), providerTable),
          EcoLogitsData.mixes(release)));
    }
    AiEnergyScoreMethodology energyScore = aiEnergyScore();
    all.add(energyScore);
    all.add(options.rates() == null
        ? rates(Resources.readCsv("/io/jouletrace/catalog/rates/rates-default.csv"), "built-in default rate")
        : rates(readUserCsv(options.rates()), "user file " + options.rates().getFileName()));
    var intensities = new IntensityResolver(GridData.bundled(), options.signal(), options.deployment());
    return new Estimator(all, DEFAULT_METHODOLOGY, List.of(energyScore), intensities);
  }

  /** The bundled leaderboard, read once: what every call's energy score comes from. */
  public static AiEnergyScoreMethodology leaderboard() {
    return BundledLeaderboard.LEADERBOARD;
  }

  private static final class BundledLeaderboard {
    static final AiEnergyScoreMethodology LEADERBOARD = aiEnergyScore();
  }

  public static AiEnergyScoreMethodology aiEnergyScore() {
    List<AiEnergyScoreMethodology.Rating> ratings = new ArrayList<>();
    for (String task : AIENERGYSCORE_TASKS) {
      for (Resources.Row row : Resources.readCsv("/io/jouletrace/catalog/aienergyscore/" + task + ".csv").rows()) {
        ratings.add(new AiEnergyScoreMethodology.Rating(task, row.get("model"), row.number("total_gpu_energy"),
            (int) row.number("energy_score")));
      }
    }
    return new AiEnergyScoreMethodology(AIENERGYSCORE_VERSION, ratings);
  }

  /** The bundled equivalence table (within-family pairs of one task; see equivalences/SOURCE.md). */
  public static List<ModelEquivalence> modelEquivalences() {
    return ModelEquivalence.read(Resources.readCsv("/io/jouletrace/catalog/equivalences/equivalences.csv"));
  }

  /** A user's equivalence table in the bundled table's layout; a bad row is an error naming file:line. */
  public static List<ModelEquivalence> modelEquivalences(Path file) {
    return ModelEquivalence.read(readUserCsv(file));
  }

  private static RatesMethodology rates(Resources.Table table, String source) {
    Map<String, Double> rates = new LinkedHashMap<>();
    for (Resources.Row row : table.rows()) {
      double rate = row.number("wh_per_1k_tokens");
      if (!(rate >= 0)) throw new IllegalArgumentException(row.file() + ":" + row.line() + ": field 'wh_per_1k_tokens': must be >= 0, got " + rate);
      if (rates.putIfAbsent(row.get("model"), rate) != null) {
        throw new IllegalArgumentException(row.file() + ":" + row.line() + ": field 'model': `" + row.get("model") + "` appears twice");
      }
    }
    return new RatesMethodology(RATES_VERSION, source, rates);
  }

  private static ModelRegistry providerTable(Path file) {
    return new ModelRegistry("provider table " + file.getFileName(), ModelRegistry.Lookup.EXACT,
        EcoLogitsData.specs(readUserCsv(file)), Map.of());
  }

  private static Resources.Table readUserCsv(Path file) {
    try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      return Resources.Table.parse(file.toString(), reader);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
    }
  }
}
