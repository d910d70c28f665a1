package io.jouletrace.catalog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jouletrace.core.figure.Figure;
import io.jouletrace.core.methodology.Estimate;
import io.jouletrace.core.methodology.Estimator;
import io.jouletrace.core.model.ModelResolver;
import io.jouletrace.core.record.InvocationRecord;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The bundled equivalence table names only models the catalog knows, each pair proposing the smaller; user tables fail at file:line. */
class EquivalencesTest {

  private static final Estimator ESTIMATOR = Catalog.estimator(Catalog.Options.defaults());

  @TempDir
  Path dir;

  static List<ModelEquivalence> bundled() {
    return Catalog.modelEquivalences();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("bundled")
  void each_pair_is_catalogued_by_its_registry_and_the_proposed_model_uses_less_energy(ModelEquivalence row) {
    // A row names models of the default registry, or of 0.9.1's for models 0.9.3 retired (teams whose calls were figured
    // under 0.9.1 are estimated under 0.9.1: recommendations use the calls' own version).
    String version = catalogues(Catalog.DEFAULT_METHODOLOGY, row) ? Catalog.DEFAULT_METHODOLOGY : RETIRED_FROM;
    Estimate current = estimate(row.provider(), row.model(), version);
    Estimate proposed = estimate(row.proposedProvider(), row.proposedModel(), version);
    for (Estimate e : List.of(current, proposed)) {
      assertThat(e.model()).as(row.origin()).isNotNull();
      assertThat(e.model().source()).as(row.origin() + " resolves by the registry's own lookup").isEqualTo(ModelResolver.REGISTRY);
    }
    assertThat(((Figure.Known) proposed.energy()).value()).as(row.origin()).isLessThan(((Figure.Known) current.energy()).value());
  }

  /** The registry of the rows whose models the default registry no longer lists. */
  private static final String RETIRED_FROM = "ecologits-0.9.1";

  private static boolean catalogues(String version, ModelEquivalence row) {
    return List.of(estimate(row.provider(), row.model(), version), estimate(row.proposedProvider(), row.proposedModel(), version)).stream()
        .allMatch(e -> e.model() != null && e.model().source().equals(ModelResolver.REGISTRY));
  }

  private static Estimate estimate(String provider, String model, String version) {
    return ESTIMATOR.estimate(InvocationRecord.builder(provider, model, 400).inputTokens(1_000L).build(), version);
  }

  @Test
  void a_row_matches_the_names_the_resolver_takes_for_its_model() {
    ModelEquivalence gpt4o = bundled().stream().filter(r -> r.model().equals("gpt-4o")).findFirst().orElseThrow();
    assertThat(gpt4o.matches("azure", "gpt-4o-2024-08-06")).isTrue();
    assertThat(gpt4o.matches("openai", "openai/gpt-4o")).isTrue();
    assertThat(gpt4o.matches("openai", "gpt-4o-mini")).isFalse();
    assertThat(gpt4o.origin()).endsWith("equivalences.csv:2");
  }

  @Test
  void a_bad_user_row_is_an_error_naming_file_and_line() throws IOException {
    String header = "task,provider,model,proposed_provider,proposed_model\n";
    String good = "text_generation,openai,gpt-4o,openai,gpt-4o-mini\n";
    assertThat(Catalog.modelEquivalences(Files.writeString(dir.resolve("ok.csv"), header + good))).singleElement()
        .satisfies(row -> assertThat(row.origin()).endsWith("ok.csv:2"));
    assertError(header + good + "text_generation,openai,gpt-4o,openai\n", "short.csv", ":3: expected 5 fields, found 4");
    assertError(header + good + "\nimage_generation,openai,gpt-4o,openai,gpt-4o-mini\n", "task.csv",
        ":4: field 'task': expected text_generation or sentence_similarity, got `image_generation`");
    assertError(header + "text_generation,openai,,openai,gpt-4o-mini\n", "empty.csv", ":2: field 'model' is empty");
    assertError(header + "text_generation,azure,gpt-4o-2024-08-06,openai,gpt-4o\n", "self.csv", ":2: `gpt-4o-2024-08-06` is proposed in place of itself");
  }

  private void assertError(String content, String name, String message) throws IOException {
    Path file = Files.writeString(dir.resolve(name), content);
    assertThatThrownBy(() -> Catalog.modelEquivalences(file)).isInstanceOf(IllegalArgumentException.class).hasMessage(file + message);
  }
}
