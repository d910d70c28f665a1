package io.jouletrace.core.methodology.ecologits;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * EcoLogits 0.9.1's worked example (oracle case 001-grid-mistralai-open-mistral-7b-t100, quoted in
 * shared/notes/ecologits.md §2): open-mistral-7b, 7.3 B dense, 100 tokens, latency 1e6 s (does not
 * bind), PUE 1.16. The 0.9.1 port keeps EcoLogits' order of operations, so the match is exact.
 */
class LlmImpactsTest {

  private static final LlmImpacts.Bound MISTRAL_7B =
      LlmImpacts.compute(EcoLogitsCoefficients.V0_9_1, 7.3, 7.3, 100, 1e6, 1.16, 0.09, 3.908, false);

  @Test
  void gpu_energy_matches_ecologits_bit_for_bit() {
    assertThat(MISTRAL_7B.gpuEnergyKwh()).isEqualTo(4.468600284297595e-06);
  }

  @Test
  void generation_latency_is_the_modelled_time_when_the_measured_latency_does_not_bind() {
    assertThat(MISTRAL_7B.generationLatencySeconds()).isEqualTo(4.439041788315643);
  }

  @Test
  void memory_and_gpu_count_match_ecologits() {
    assertThat(MISTRAL_7B.modelRequiredMemoryGb()).isEqualTo(17.52);
    assertThat(MISTRAL_7B.gpuRequiredCount()).isEqualTo(1);
  }

  @Test
  void server_and_request_energy_match_ecologits_bit_for_bit() {
    assertThat(MISTRAL_7B.serverEnergyKwh()).isEqualTo(2.8900011642679964e-06);
    assertThat(MISTRAL_7B.requestEnergyKwh()).isEqualTo(8.535977680336085e-06);
  }

  @Test
  void gpu_count_is_rounded_up_to_a_power_of_two_from_0_9() {
    // 1.2 x 100 B x 16 bit / 8 = 240 GB -> 3 H100s -> 4 from 0.9.1; 0.8.2 (4-bit: 60 GB) needs 1.
    assertThat(LlmImpacts.gpuRequiredCount(EcoLogitsCoefficients.V0_9_1, LlmImpacts.modelRequiredMemoryGb(EcoLogitsCoefficients.V0_9_1, 100)))
        .isEqualTo(4);
    assertThat(LlmImpacts.gpuRequiredCount(EcoLogitsCoefficients.V0_8_2, 5 * 80.0)).isEqualTo(5);
    assertThat(LlmImpacts.gpuRequiredCount(EcoLogitsCoefficients.V0_9_1, 5 * 80.0)).isEqualTo(8);
    assertThat(LlmImpacts.gpuRequiredCount(EcoLogitsCoefficients.V0_9_1, 8 * 80.0)).isEqualTo(8);
    assertThat(LlmImpacts.gpuRequiredCount(EcoLogitsCoefficients.V0_9_1, 8 * 80.0 + 1)).isEqualTo(16);
  }

  @Test
  void the_measured_latency_caps_server_and_embodied_shares_but_not_gpu_energy() {
    var capped = LlmImpacts.compute(EcoLogitsCoefficients.V0_9_1, 7.3, 7.3, 100, 0, 1.16, 0.09, 3.908, false);
    assertThat(capped.gpuEnergyKwh()).isEqualTo(MISTRAL_7B.gpuEnergyKwh());
    assertThat(capped.serverEnergyKwh()).isZero();
    assertThat(capped.embodiedGwpKg()).isZero();
    assertThat(capped.requestEnergyKwh()).isEqualTo(1.16 * MISTRAL_7B.gpuEnergyKwh());
  }

  @Test
  void the_0_8_confidence_interval_is_plus_minus_1_96_sigma_per_token() {
    var low = LlmImpacts.compute(EcoLogitsCoefficients.V0_8_2, 7.3, 7.3, 100, 1e6, 1.2, 0, 0, false);
    var high = LlmImpacts.compute(EcoLogitsCoefficients.V0_8_2, 7.3, 7.3, 100, 1e6, 1.2, 0, 0, true);
    // 1.96 x 5.19e-7 kWh per token x 100 tokens on each side of the mean.
    assertThat(high.gpuEnergyKwh() - low.gpuEnergyKwh()).isCloseTo(2 * 100 * 1.96 * 5.19e-7, org.assertj.core.data.Offset.offset(1e-15));
  }
}
