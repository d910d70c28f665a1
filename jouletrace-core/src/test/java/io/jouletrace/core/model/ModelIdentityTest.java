package io.jouletrace.core.model;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@link ModelResolver#identity}: the names the lenient lookup takes for one model compare equal, others do not. */
class ModelIdentityTest {

  @ParameterizedTest(name = "{0}/{1} is {2}/{3}")
  @CsvSource({
      "openai, gpt-4o, openai, gpt-4o",
      "azure, gpt-4o-2024-08-06, openai, gpt-4o",
      "litellm, openai/GPT-4o, openai, gpt-4o",
      "aws.bedrock, anthropic.claude-3-5-sonnet-20240620-v1:0, anthropic, claude-3-5-sonnet",
      "anthropic, claude-3-opus-latest, anthropic, claude-3-opus",
      "mistralai, mistral-large-2411, mistralai, mistral-large",
      "huggingface_hub, meta-llama/Meta-Llama-3-70B, huggingface_hub, meta-llama/meta-llama-3-70b",
      "Together, Llama-3-70B, together, llama-3-70b",
  })
  void takes_off_what_the_lenient_lookup_ignores(String provider, String model, String identityProvider, String identityName) {
    assertThat(ModelResolver.identity(provider, model)).isEqualTo(new ModelResolver.Identity(identityProvider, identityName));
  }

  @ParameterizedTest(name = "{0} differs from {1}")
  @CsvSource({"gpt-4o, gpt-4o-mini", "gpt-4.1, gpt-4.1-mini", "claude-3-opus-20240229, claude-3-sonnet-20240229"})
  void keeps_models_of_one_family_apart(String one, String other) {
    assertThat(ModelResolver.identity("openai", one)).isNotEqualTo(ModelResolver.identity("openai", other));
  }
}
