package io.jouletrace.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jouletrace.core.methodology.Estimate;
import io.jouletrace.core.methodology.Estimator;
import io.jouletrace.core.model.ModelResolver;
import io.jouletrace.core.record.InvocationRecord;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * An undated alias ({@code claude-haiku-4-5}) is figured as the dated model it names
 * ({@code claude-haiku-4-5-20251001}) under every EcoLogits release whose {@code models.json} lists
 * the alias: each alias of each release's upstream table (read from {@code ../shared}, not from the
 * vendored copy the catalog loads).
 */
class EcoLogitsAliasesTest {

  private static final Estimator ESTIMATOR = Catalog.estimator(Catalog.Options.defaults());

  static Stream<Arguments> aliases() throws IOException {
    List<Arguments> cases = new ArrayList<>();
    for (String version : List.of("0.8.2", "0.9.1", "0.9.3")) {
      JsonNode table = new ObjectMapper().readTree(SharedData.path("ecologits-data/" + version + "/models.json").toFile());
      for (JsonNode alias : table.get("aliases")) {
        cases.add(Arguments.argumentSet(version + "/" + alias.get("name").asText(), "ecologits-" + version,
            alias.get("provider").asText(), alias.get("name").asText(), alias.get("alias").asText()));
      }
    }
    return cases.stream();
  }

  @ParameterizedTest
  @MethodSource("aliases")
  void an_alias_is_figured_as_its_dated_model(String methodology, String provider, String alias, String datedModel) {
    Estimate viaAlias = ESTIMATOR.estimate(call(provider, alias), methodology);
    Estimate dated = ESTIMATOR.estimate(call(provider, datedModel), methodology);
    assertThat(viaAlias.model().spec().name()).isEqualTo(datedModel);
    assertThat(viaAlias.model().source()).isEqualTo(ModelResolver.REGISTRY_ALIAS);
    assertThat(viaAlias.energy().isKnown()).isTrue();
    assertThat(viaAlias.energy()).isEqualTo(dated.energy());
    assertThat(viaAlias.carbon()).isEqualTo(dated.carbon());
  }

  @Test
  void the_0_9_3_aliases_of_claude_4_5_are_among_them() {
    for (String alias : List.of("claude-haiku-4-5", "claude-sonnet-4-5", "claude-opus-4-5")) {
      Estimate estimate = ESTIMATOR.estimate(call("anthropic", alias), "ecologits-0.9.3");
      assertThat(estimate.model().spec().name()).as(alias).startsWith(alias + "-20");
      assertThat(estimate.energy().isKnown()).as(alias).isTrue();
    }
  }

  private static InvocationRecord call(String provider, String model) {
    return InvocationRecord.builder(provider, model, 500).latencySeconds(10.0).zone("FRA").build();
  }
}
