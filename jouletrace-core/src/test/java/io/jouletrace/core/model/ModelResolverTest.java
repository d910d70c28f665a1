package io.jouletrace.core.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.jouletrace.core.Fixtures;
import io.jouletrace.core.figure.AccuracyBand;
import io.jouletrace.core.figure.Range;
import io.jouletrace.core.figure.Tier;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ModelResolverTest {

  private final ModelResolver resolver = new ModelResolver(Fixtures.registry(), null);

  @ParameterizedTest(name = "{0}/{1} -> {2}/{3} by {4}")
  @CsvSource({
      "mistralai, open-mistral-7b, mistralai, open-mistral-7b, registry",
      "openai, gpt-35-turbo, openai, gpt-3.5-turbo, registry:alias",
      "openai, openai/gpt-4o, openai, gpt-4o, registry:provider-prefix",
      "openai, GPT-4o, openai, gpt-4o, registry:case-insensitive",
      "openai, gpt-4o-2024-08-06, openai, gpt-4o, registry:dated-snapshot",
      "azure, gpt-4o, openai, gpt-4o, registry:provider-synonym",
      "litellm, gpt-4o, openai, gpt-4o, registry:other-provider",
      "openai, meta-llama/Meta-Llama-3.1-8B-Instruct, huggingface_hub, meta-llama/Meta-Llama-3.1-8B-Instruct, registry:other-provider",
      "aws.bedrock, anthropic.claude-sonnet-4-20250514-v1:0, anthropic, claude-sonnet-4-20250514, registry:provider-prefix+dated-snapshot",
  })
  void resolves_and_says_how(String provider, String requested, String entryProvider, String entryName, String source) {
    ModelMatch match = resolver.resolve(provider, requested).orElseThrow();
    assertThat(match.spec().provider()).isEqualTo(entryProvider);
    assertThat(match.spec().name()).isEqualTo(entryName);
    assertThat(match.source()).isEqualTo(source);
    assertThat(match.requested()).isEqualTo(requested);
    assertThat(match.tier()).isEqualTo(Tier.MODELLED);
  }

  @Test
  void published_open_weights_are_accurate_and_estimated_architectures_medium() {
    assertThat(resolver.resolve("mistralai", "open-mistral-7b").orElseThrow().band()).isEqualTo(AccuracyBand.ACCURATE);
    assertThat(resolver.resolve("openai", "gpt-4o").orElseThrow().band()).isEqualTo(AccuracyBand.MEDIUM);
  }

  @Test
  void a_size_in_the_name_gives_an_estimated_match_whose_range_covers_what_the_name_cannot_tell() {
    ModelMatch llama = resolver.resolve("groq", "llama-3-70b").orElseThrow();
    assertThat(llama.source()).isEqualTo("name-estimate-2");
    assertThat(llama.isNameEstimate()).isTrue();
    assertThat(llama.tier()).isEqualTo(Tier.ESTIMATED);
    // Rounded in the name (0.9–1.35 ×), and dense or a mixture of experts with as little as 3% active.
    assertRange(llama.spec().totalParamsB(), 63, 94.5);
    assertRange(llama.spec().activeParamsB(), 0.03 * 63, 94.5);
    // Below 1 B the name often leaves out the embeddings.
    assertThat(resolver.resolve("acme", "tiny-86m").orElseThrow().spec().totalParamsB().contains(0.279)).isTrue();
  }

  @Test
  void rule_1_still_reads_the_exact_dense_size_to_recompute_the_figures_stored_under_it() {
    ModelMatch llama = resolver.resolve("groq", "llama-3-70b", NameEstimate.Rule.V1).orElseThrow();
    assertThat(llama.source()).isEqualTo("name-estimate");
    assertThat(llama.isNameEstimate()).isTrue();
    assertThat(llama.band()).isEqualTo(AccuracyBand.GROSS);
    assertThat(llama.spec().activeParamsB()).isEqualTo(Range.exactly(70));
    assertThat(llama.spec().totalParamsB()).isEqualTo(Range.exactly(70));
    assertThat(NameEstimate.Rule.recomputing("name-estimate")).isEqualTo(NameEstimate.Rule.V1);
    assertThat(NameEstimate.Rule.recomputing("registry")).isEqualTo(NameEstimate.Rule.CURRENT);
  }

  @Test
  void mixture_of_experts_names_give_total_and_active_sizes() {
    ModelSpec mixtral = resolver.resolve("groq", "mixtral-8x7b-32768").orElseThrow().spec();
    // 8 experts of 7 B: total at most 56 B (attention is shared), 1 to 2 experts active per token.
    assertThat(mixtral.totalParamsB()).isEqualTo(new Range(42, 56));
    assertThat(mixtral.activeParamsB()).isEqualTo(new Range(7, 14));
    ModelSpec qwen = resolver.resolve("together", "Qwen/Qwen3-30B-A3B-Instruct").orElseThrow().spec();
    assertRange(qwen.totalParamsB(), 27, 40.5);
    assertRange(qwen.activeParamsB(), 2.7, 4.05);
  }

  @Test
  void version_numbers_and_context_sizes_are_not_mistaken_for_sizes() {
    assertThat(resolver.resolve("groq", "llama-3.1-8b-instant", NameEstimate.Rule.V1).orElseThrow().spec().totalParamsB())
        .isEqualTo(Range.exactly(8));
    assertThat(resolver.resolve("acme", "foo-1")).isEmpty();
    assertThat(resolver.resolve("openai", "gpt-unknown-2099")).isEmpty();
    assertThat(resolver.resolve("acme", "phi-3-mini-128k")).isEmpty();
  }

  @Test
  void a_provider_table_is_consulted_after_the_registry_and_before_the_name() {
    var table = new ModelRegistry("provider table", ModelRegistry.Lookup.EXACT,
        List.of(new ModelSpec("acme", "foo-70b", Range.exactly(12), Range.exactly(47), List.of())), java.util.Map.of());
    var withTable = new ModelResolver(Fixtures.registry(), table);
    ModelMatch documented = withTable.resolve("acme", "foo-70b").orElseThrow();
    assertThat(documented.source()).isEqualTo(ModelResolver.PROVIDER_TABLE);
    assertThat(documented.spec().activeParamsB()).isEqualTo(Range.exactly(12));
    assertThat(withTable.resolve("openai", "gpt-4o").orElseThrow().source()).isEqualTo(ModelResolver.REGISTRY);
  }

  @Test
  void the_0_4_substring_lookup_takes_the_first_entry_contained_in_the_name() {
    var gpt4 = new ModelSpec("openai", "gpt-4", new Range(220, 880), Range.exactly(1760), List.of());
    var gpt4o = new ModelSpec("openai", "gpt-4o", new Range(44, 132), Range.exactly(440), List.of());
    var legacy = new ModelRegistry("0.4", ModelRegistry.Lookup.SUBSTRING, List.of(gpt4, gpt4o), java.util.Map.of());
    // EcoLogits 0.4 resolved gpt-4o to the gpt-4 entry: reproduced, not fixed.
    assertThat(new ModelResolver(legacy, null).resolve("openai", "gpt-4o").orElseThrow().spec()).isEqualTo(gpt4);
  }

  private static void assertRange(Range actual, double low, double high) {
    assertThat(actual.low()).isCloseTo(low, within(1e-9));
    assertThat(actual.high()).isCloseTo(high, within(1e-9));
  }
}
