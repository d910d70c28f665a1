package io.jouletrace.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.jouletrace.core.methodology.Estimator;
import io.jouletrace.core.methodology.aienergyscore.AiEnergyScoreMethodology;
import io.jouletrace.core.record.InvocationRecord;
import io.jouletrace.core.record.Operation;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Objects;
import org.junit.jupiter.api.Test;

/** Every eco block carries the call's AI Energy Score rating (or why it has none), whatever methodology figured it. */
class EnergyScoreTest {

  private static final Estimator ESTIMATOR = Catalog.estimator(Catalog.Options.defaults());

  private static JsonNode block(InvocationRecord record, String methodology) {
    return EcoBlock.of(record, ESTIMATOR.estimate(record, methodology));
  }

  /** The stars of the first row of a vendored leaderboard file, read from the file itself: {model, stars}. */
  private static String[] firstRow(String task) throws IOException {
    try (var reader = new BufferedReader(new InputStreamReader(Objects.requireNonNull(
        EnergyScoreTest.class.getResourceAsStream("/io/jouletrace/catalog/aienergyscore/" + task + ".csv")), StandardCharsets.UTF_8))) {
      reader.readLine();
      String[] row = reader.readLine().split(",");
      return new String[] {row[0], row[2]};
    }
  }

  @Test
  void each_leaderboard_task_rates_the_calls_of_its_operation() throws IOException {
    Map<Operation, String> tasks = Map.of(Operation.CHAT, "text_generation", Operation.EMBEDDINGS, "sentence_similarity",
        Operation.SUMMARIZATION, "summarization", Operation.QUESTION_ANSWERING, "question_answering",
        Operation.TEXT_CLASSIFICATION, "text_classification", Operation.IMAGE_GENERATION, "image_generation",
        Operation.IMAGE_CAPTIONING, "image_captioning", Operation.IMAGE_CLASSIFICATION, "image_classification",
        Operation.OBJECT_DETECTION, "object_detection", Operation.SPEECH_RECOGNITION, "asr");
    for (var task : tasks.entrySet()) {
      String[] row = firstRow(task.getValue());
      JsonNode score = block(InvocationRecord.builder("huggingface_hub", row[0], 10).operation(task.getKey()).build(), null).get("energy_score");
      assertThat(score.get("stars").asInt()).as(task.getValue()).isEqualTo(Integer.parseInt(row[1]));
      assertThat(score.get("task").asText()).isEqualTo(task.getValue());
      assertThat(score.get("leaderboard_version").asText()).isEqualTo(Catalog.AIENERGYSCORE_VERSION);
    }
  }

  @Test
  void the_stars_do_not_depend_on_the_methodology_and_an_unrated_call_is_null_with_a_reason() {
    var llama = InvocationRecord.builder("huggingface_hub", "meta-llama/Meta-Llama-3-70B", 200).build();
    for (String methodology : ESTIMATOR.versions()) {
      assertThat(block(llama, methodology).get("energy_score").get("stars").asInt()).as(methodology).isEqualTo(5);
    }
    JsonNode unrated = block(InvocationRecord.builder("openai", "gpt-4o", 200).build(), null);
    assertThat(unrated.get("energy").isNull()).isFalse();
    assertThat(unrated.get("energy_score").isNull()).isTrue();
    assertThat(unrated.get("null_reasons")).anySatisfy(reason -> {
      assertThat(reason.get("field").asText()).isEqualTo("energy_score");
      assertThat(reason.get("code").asText()).isEqualTo("model-not-registered");
    });
    JsonNode agent = block(InvocationRecord.builder("openai", "gpt-4o", 0).operation(Operation.of("invoke_agent")).build(), null);
    assertThat(agent.get("null_reasons").findValuesAsText("code")).contains("operation-not-modelled");
  }

  @Test
  void tasks_other_than_text_generation_and_embeddings_give_stars_but_no_figure_under_the_published_version() {
    var summary = InvocationRecord.builder("huggingface_hub", "facebook/bart-large-cnn", 100).operation(Operation.SUMMARIZATION).build();
    JsonNode block = block(summary, null);
    assertThat(block.get("energy_score").get("task").asText()).isEqualTo(AiEnergyScoreMethodology.SUMMARIZATION);
    assertThat(block.get("energy").isNull()).as("figures of stored records must not change under aienergyscore-2025.08.26").isTrue();
  }
}
