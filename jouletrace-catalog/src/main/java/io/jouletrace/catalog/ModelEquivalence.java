package io.jouletrace.catalog;

import io.jouletrace.core.methodology.aienergyscore.AiEnergyScoreMethodology;
import io.jouletrace.core.model.ModelResolver;
import java.util.ArrayList;
import java.util.List;

/**
 * A row of an equivalence table: {@code proposedModel} serves the same task as {@code model}, so a team using
 * {@code model} can be shown what {@code proposedModel} would use instead.
 *
 * @param task the class of work both serve, as the AI Energy Score leaderboard names it ({@code text_generation},
 *     {@code sentence_similarity})
 * @param origin {@code file:line} of the row, so a recommendation says which row made it
 */
public record ModelEquivalence(String task, String provider, String model, String proposedProvider, String proposedModel, String origin) {

  static final List<String> TASKS = List.of(AiEnergyScoreMethodology.TEXT_GENERATION, AiEnergyScoreMethodology.SENTENCE_SIMILARITY);

  /** Whether a call of {@code provider}/{@code model} is this row's current model, names compared as the model resolver compares them. */
  public boolean matches(String provider, String model) {
    return ModelResolver.identity(this.provider, this.model).equals(ModelResolver.identity(provider, model));
  }

  /** The rows of a {@code task,provider,model,proposed_provider,proposed_model} table; a bad row is an error naming file:line. */
  static List<ModelEquivalence> read(Resources.Table table) {
    List<ModelEquivalence> rows = new ArrayList<>();
    for (Resources.Row row : table.rows()) {
      String where = row.file() + ":" + row.line();
      String task = required(row, "task");
      if (!TASKS.contains(task)) {
        throw new IllegalArgumentException(where + ": field 'task': expected " + String.join(" or ", TASKS) + ", got `" + task + "`");
      }
      var equivalence = new ModelEquivalence(task, required(row, "provider"), required(row, "model"), required(row, "proposed_provider"),
          required(row, "proposed_model"), where);
      if (equivalence.matches(equivalence.proposedProvider, equivalence.proposedModel)) {
        throw new IllegalArgumentException(where + ": `" + equivalence.model + "` is proposed in place of itself");
      }
      rows.add(equivalence);
    }
    return List.copyOf(rows);
  }

  private static String required(Resources.Row row, String column) {
    String value = row.get(column).strip();
    if (value.isEmpty()) throw new IllegalArgumentException(row.file() + ":" + row.line() + ": field '" + column + "' is empty");
    return value;
  }
}
