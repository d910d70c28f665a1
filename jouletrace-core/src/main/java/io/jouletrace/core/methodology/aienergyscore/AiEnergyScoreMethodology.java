package io.jouletrace.core.methodology.aienergyscore;

import io.jouletrace.core.carbon.IntensityResolver;
import io.jouletrace.core.figure.AccuracyBand;
import io.jouletrace.core.figure.Energy;
import io.jouletrace.core.figure.Figure;
import io.jouletrace.core.figure.NullReason;
import io.jouletrace.core.figure.Quantity;
import io.jouletrace.core.figure.Range;
import io.jouletrace.core.figure.Tier;
import io.jouletrace.core.methodology.Derivation;
import io.jouletrace.core.methodology.Estimate;
import io.jouletrace.core.methodology.Methodology;
import io.jouletrace.core.model.ModelMatch;
import io.jouletrace.core.model.ModelSpec;
import io.jouletrace.core.record.InvocationRecord;
import io.jouletrace.core.record.Operation;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * GPU energy per query from the AI Energy Score leaderboard (H100), by task, with its 1–5 star
 * rating. It measures GPU energy only: no server, no PUE, no embodied share. A query's energy does
 * not follow its token counts, so text generation is {@code gross}; embeddings (sentence similarity,
 * short inputs) are {@code medium}.
 */
public final class AiEnergyScoreMethodology implements Methodology {

  /** The leaderboard's tasks, as its files name them. */
  public static final String TEXT_GENERATION = "text_generation";
  public static final String SENTENCE_SIMILARITY = "sentence_similarity";
  public static final String SUMMARIZATION = "summarization";
  public static final String QUESTION_ANSWERING = "question_answering";
  public static final String TEXT_CLASSIFICATION = "text_classification";
  public static final String IMAGE_GENERATION = "image_generation";
  public static final String IMAGE_CAPTIONING = "image_captioning";
  public static final String IMAGE_CLASSIFICATION = "image_classification";
  public static final String OBJECT_DETECTION = "object_detection";
  public static final String ASR = "asr";

  /** The task each operation other than text generation is rated under. */
  private static final Map<Operation, String> TASKS = Map.of(
      Operation.EMBEDDINGS, SENTENCE_SIMILARITY,
      Operation.SUMMARIZATION, SUMMARIZATION,
      Operation.QUESTION_ANSWERING, QUESTION_ANSWERING,
      Operation.TEXT_CLASSIFICATION, TEXT_CLASSIFICATION,
      Operation.IMAGE_GENERATION, IMAGE_GENERATION,
      Operation.IMAGE_CAPTIONING, IMAGE_CAPTIONING,
      Operation.IMAGE_CLASSIFICATION, IMAGE_CLASSIFICATION,
      Operation.OBJECT_DETECTION, OBJECT_DETECTION,
      Operation.SPEECH_RECOGNITION, ASR);

  /**
   * The tasks whose energy this version figures. The other tasks give stars only: figuring their calls now would
   * change what this published version computes for records already stored, and verify would report drift.
   */
  private static final Set<String> FIGURED_TASKS = Set.of(TEXT_GENERATION, SENTENCE_SIMILARITY);

  private static final String METHOD = "aienergyscore: measured GPU energy per query on H100 for the task (GPU only, no PUE)";

  private final String version;
  private final Map<String, Map<String, Rating>> byTaskAndName;

  /** @param ratings every leaderboard row; {@code version} names the leaderboard snapshot */
  public AiEnergyScoreMethodology(String version, List<Rating> ratings) {
    this.version = version;
    var tasks = new HashMap<String, Map<String, Rating>>();
    for (Rating rating : ratings) {
      Map<String, Rating> byName = tasks.computeIfAbsent(rating.task(), t -> new HashMap<>());
      byName.putIfAbsent(rating.model().toLowerCase(Locale.ROOT), rating);
      // Also reachable without the organisation ("bge-base-en-v1.5"), unless two organisations share the name.
      String shortName = shortName(rating.model());
      Rating clash = byName.putIfAbsent(shortName, rating);
      if (clash != null && clash != rating && !clash.model().equalsIgnoreCase(shortName)) byName.remove(shortName);
    }
    tasks.replaceAll((t, m) -> Map.copyOf(m));
    this.byTaskAndName = Map.copyOf(tasks);
  }

  private static String shortName(String model) {
    String lower = model.toLowerCase(Locale.ROOT);
    return lower.substring(lower.lastIndexOf('/') + 1);
  }

  @Override
  public String version() {
    return version;
  }

  /** The leaderboard task a call of this kind is rated under, if any. */
  public static Optional<String> task(Operation operation) {
    if (operation.isTextGeneration()) return Optional.of(TEXT_GENERATION);
    return Optional.ofNullable(TASKS.get(operation));
  }

  @Override
  public boolean models(Operation operation) {
    return task(operation).filter(FIGURED_TASKS::contains).map(byTaskAndName::containsKey).orElse(false);
  }

  /**
   * The star rating of a call of {@code operation}: the leaderboard's rating of the first of {@code names} (the
   * requested model, then what a methodology resolved it to) it rates for the operation's task, or why there is none.
   */
  public EnergyScore energyScore(Operation operation, List<String> names) {
    Optional<String> task = task(operation);
    if (task.isEmpty()) {
      return new EnergyScore(null, version, new NullReason(NullReason.OPERATION_NOT_MODELLED,
          "The AI Energy Score rates no task for `" + operation + "` calls."));
    }
    for (String name : names) {
      if (name == null) continue;
      Optional<Rating> rating = rating(task.get(), name);
      if (rating.isPresent()) return new EnergyScore(rating.get(), version, null);
    }
    return new EnergyScore(null, version, new NullReason(NullReason.MODEL_NOT_REGISTERED,
        "`" + names.getFirst() + "` is not rated for " + task.get() + " in " + version + "."));
  }

  /** A call's star rating under a leaderboard version, or the reason it has none. */
  public record EnergyScore(Rating rating, String leaderboardVersion, NullReason missing) {
    public EnergyScore {
      if ((rating == null) == (missing == null)) throw new IllegalArgumentException("an energy score is a rating or a reason, not both");
    }
  }

  /** The rating of a model for a task, if catalogued. */
  public Optional<Rating> rating(String task, String model) {
    Map<String, Rating> byName = byTaskAndName.getOrDefault(task, Map.of());
    String lower = model.toLowerCase(Locale.ROOT);
    Rating rating = byName.get(lower);
    return Optional.ofNullable(rating != null ? rating : byName.get(shortName(lower)));
  }

  @Override
  public Estimate estimate(InvocationRecord record, IntensityResolver intensities, Derivation derivation) {
    Optional<String> task = task(record.operation()).filter(FIGURED_TASKS::contains).filter(byTaskAndName::containsKey);
    if (task.isEmpty()) {
      return Estimate.unknown(version, new NullReason(NullReason.OPERATION_NOT_MODELLED,
          version + " rates no task for `" + record.operation() + "` calls."));
    }
    Rating rating = rating(task.get(), record.model()).orElse(null);
    if (rating == null) {
      String code = record.operation().equals(Operation.EMBEDDINGS) ? NullReason.OPERATION_NOT_MODELLED : NullReason.MODEL_NOT_REGISTERED;
      return Estimate.unknown(version, new NullReason(code,
          "No method applies: `" + record.model() + "` is not rated for " + task.get() + " in " + version + "."));
    }
    AccuracyBand band = task.get().equals(TEXT_GENERATION) ? AccuracyBand.GROSS : AccuracyBand.MEDIUM;
    String source = rating.model().equals(record.model()) ? "aienergyscore" : "aienergyscore:case-insensitive";
    var match = new ModelMatch(record.provider(), record.model(),
        new ModelSpec("aienergyscore", rating.model(), null, null, List.of()), source, band, Tier.MODELLED);
    // kWh per 1,000 queries is numerically Wh per query.
    if (derivation.isRecording()) {
      derivation.note("model", "`" + record.model() + "` rated as `" + rating.model() + "` for " + task.get() + " by " + version
          + " (" + source + "); tier modelled, band " + band.code() + "; " + rating.stars() + " of 5 stars");
    }
    double kwhPer1000 = derivation.step("kwh_per_1000_queries", "the leaderboard's GPU energy (H100) for the model and task",
        rating.kwhPer1000Queries(), "kWh per 1,000 queries");
    double joules = derivation.step("energy_j", "kwh_per_1000_queries × 3600 (kWh per 1,000 queries is Wh per query; no PUE, GPU only)",
        Energy.ofWh(kwhPer1000).joules(), "J");
    var energy = Figure.known(Quantity.ENERGY, Range.exactly(joules), Tier.MODELLED, band, METHOD, version);
    return Estimate.fromEnergy(match, energy, intensities.resolve(record, null, null),
        List.of("energy-score-" + rating.stars() + "-stars"), derivation);
  }

  /** One leaderboard row: GPU kWh per 1,000 queries and the star rating (5 = most efficient). */
  public record Rating(String task, String model, double kwhPer1000Queries, int stars) {
    public Rating {
      if (!(kwhPer1000Queries > 0)) throw new IllegalArgumentException(model + ": energy must be > 0, got " + kwhPer1000Queries);
      if (stars < 1 || stars > 5) throw new IllegalArgumentException(model + ": stars must be 1..5, got " + stars);
    }
  }
}
