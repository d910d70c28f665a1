package io.jouletrace.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import io.jouletrace.core.figure.AccuracyBand;
import io.jouletrace.core.figure.Figure;
import io.jouletrace.core.figure.NullReason;
import io.jouletrace.core.methodology.Estimate;
import io.jouletrace.core.methodology.Estimator;
import io.jouletrace.core.record.InvocationRecord;
import io.jouletrace.core.record.Operation;
import java.io.IOException;
import java.nio.file.Files;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every text-generation and sentence-similarity row of the AI Energy Score leaderboard
 * ({@code ../shared/reference/aienergyscore/}, kWh per 1,000 queries) comes back as that many Wh per
 * query, with its star rating, for a chat call and an embedding call respectively.
 */
class AiEnergyScoreLeaderboardTest {

  private static final Estimator ESTIMATOR = Catalog.estimator(Catalog.Options.defaults());

  static Stream<Arguments> leaderboardRows() throws IOException {
    return Stream.of("text_generation", "sentence_similarity").flatMap(task -> {
      try {
        List<String> lines = Files.readAllLines(SharedData.path("reference/aienergyscore/" + task + ".csv"));
        return lines.stream().skip(1).filter(l -> !l.isBlank()).map(l -> {
          String[] cells = l.split(",");
          return Arguments.argumentSet(task + "/" + cells[0], task, cells[0], Double.parseDouble(cells[1]), Integer.parseInt(cells[2]));
        });
      } catch (IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    });
  }

  @ParameterizedTest
  @MethodSource("leaderboardRows")
  void reproduces_the_leaderboard_energy_per_query(String task, String model, double kwhPer1000Queries, int stars) {
    Operation operation = task.equals("sentence_similarity") ? Operation.EMBEDDINGS : Operation.CHAT;
    InvocationRecord call = InvocationRecord.builder("huggingface_hub", model, 0).operation(operation).zone("FRA").build();
    Estimate estimate = ESTIMATOR.estimate(call, "aienergyscore");
    Figure.Known energy = (Figure.Known) estimate.energy();
    double whPerQuery = energy.value() / 3600;
    assertThat(whPerQuery).isCloseTo(kwhPer1000Queries, org.assertj.core.data.Percentage.withPercentage(1e-9));
    assertThat(energy.band()).isEqualTo(operation == Operation.EMBEDDINGS ? AccuracyBand.MEDIUM : AccuracyBand.GROSS);
    assertThat(estimate.warnings()).contains("energy-score-" + stars + "-stars");
    assertThat(estimate.methodologyVersion()).isEqualTo("aienergyscore-2025.08.26");
  }

  @Test
  void an_embedding_call_with_the_default_methodology_is_figured_by_the_leaderboard_and_says_so() {
    InvocationRecord call = InvocationRecord.builder("huggingface_hub", "BAAI/bge-base-en-v1.5", 0)
        .operation(Operation.EMBEDDINGS).inputTokens(512L).zone("FRA").build();
    Estimate estimate = ESTIMATOR.estimate(call, Catalog.DEFAULT_METHODOLOGY);
    assertThat(estimate.methodologyVersion()).isEqualTo("aienergyscore-2025.08.26");
    assertThat(((Figure.Known) estimate.energy()).value() / 3600).isCloseTo(0.000250457, org.assertj.core.data.Percentage.withPercentage(1e-9));
    assertThat(estimate.warnings()).anyMatch(w -> w.startsWith("operation-figured-by-"));
  }

  @Test
  void an_uncatalogued_embedding_model_is_null_with_operation_not_modelled_never_zero() {
    InvocationRecord call = InvocationRecord.builder("openai", "text-embedding-3-small", 0).operation(Operation.EMBEDDINGS).build();
    Estimate estimate = ESTIMATOR.estimate(call, Catalog.DEFAULT_METHODOLOGY);
    assertThat(estimate.energy()).isInstanceOf(Figure.Unknown.class);
    assertThat(((Figure.Unknown) estimate.energy()).reason().code()).isEqualTo(NullReason.OPERATION_NOT_MODELLED);
    assertThat(estimate.carbon()).isInstanceOf(Figure.Unknown.class);
  }
}
