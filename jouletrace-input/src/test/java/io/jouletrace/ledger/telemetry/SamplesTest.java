package io.jouletrace.ledger.telemetry;

import static io.jouletrace.ledger.telemetry.TestFiles.sample;
import static org.assertj.core.api.Assertions.assertThat;

import io.jouletrace.core.attribution.MeterSample;
import io.jouletrace.core.attribution.MeterSample.Kind;
import io.jouletrace.core.attribution.RunSpan;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The files under docs/samples parse cleanly and agree with each other, ready for a worked example. */
class SamplesTest {

  private static final String GPU0 = "GPU-604ac76c-d9cf-fef3-62e9-d92044ab6e52";
  private static final String GPU1 = "GPU-9e2b3f51-7c4a-4d8e-a1b6-3f0c5d2e8a17";
  private static final Instant T0 = Instant.parse("2026-03-01T14:00:00Z");

  @Test
  void meters_csv_holds_a_gauge_and_a_counter_for_two_gpus_over_20_seconds() throws Exception {
    Readings<MeterSample> read = MeterReaders.read(sample("meters.csv"));

    assertThat(read.rejected()).isEmpty();
    assertThat(read.values()).hasSize(2 * 2 * 21).noneMatch(MeterSample::isMissing);
    assertThat(read.values()).extracting(MeterSample::resource).containsOnly(GPU0, GPU1);
    assertThat(read.values().getFirst()).isEqualTo(new MeterSample(GPU0, T0, Kind.POWER, 88.1));
    assertThat(read.values().getLast()).isEqualTo(new MeterSample(GPU1, T0.plusSeconds(20), Kind.ENERGY, 405107.007));
    for (String gpu : List.of(GPU0, GPU1)) {
      List<Double> counter = read.values().stream().filter(s -> s.resource().equals(gpu) && s.kind() == Kind.ENERGY)
          .map(MeterSample::value).toList();
      assertThat(counter).hasSize(21).isSorted();
    }
  }

  @Test
  void spans_jsonl_holds_four_requests_on_the_meters_gpus_two_of_them_overlapping() throws Exception {
    Readings<RunSpan> read = SpanReader.read(sample("spans.jsonl"));

    assertThat(read.rejected()).isEmpty();
    assertThat(read.values()).extracting(RunSpan::id).containsExactly("req-1", "req-2", "req-3", "req-4");
    assertThat(read.values()).allSatisfy(span -> {
      assertThat(span.phases()).containsOnlyKeys(RunSpan.QUEUE, RunSpan.PREFILL, RunSpan.DECODE);
      assertThat(span.start()).isAfterOrEqualTo(T0);
      assertThat(span.end()).isBeforeOrEqualTo(T0.plusSeconds(20));
    });
    Set<String> resources = new HashSet<>();
    read.values().forEach(s -> resources.addAll(s.resources()));
    assertThat(resources).containsExactlyInAnyOrder(GPU0, GPU1);
    RunSpan first = read.values().get(0);
    RunSpan second = read.values().get(1);
    assertThat(first.resources()).isEqualTo(second.resources());
    assertThat(second.start()).isBefore(first.end());
  }

  @Test
  void nvidia_smi_and_dcgm_samples_agree_with_meters_csv() throws Exception {
    List<MeterSample> meters = MeterReaders.read(sample("meters.csv")).values();
    Readings<MeterSample> smi = MeterReaders.read(sample("nvidia-smi.csv"));
    Readings<MeterSample> dcgm = MeterReaders.read(sample("dcgm.prom"));

    assertThat(smi.rejected()).isEmpty();
    assertThat(dcgm.rejected()).isEmpty();
    assertThat(smi.values()).containsExactlyInAnyOrderElementsOf(meters);
    assertThat(dcgm.values()).hasSize(5 * 2 * 2);
    assertThat(meters).containsAll(dcgm.values());
  }

  @Test
  void intensity_csv_covers_the_hour_of_the_samples() throws Exception {
    Readings<IntensityPoint> read = SignalReaders.readIntensity(sample("intensity.csv"));

    assertThat(read.rejected()).isEmpty();
    assertThat(read.values()).contains(new IntensityPoint("DE", T0, 338.0), new IntensityPoint("FR", T0, 44.0));
  }

  @Test
  void pue_csv_and_the_electricity_maps_history_cover_the_day_and_hour_of_the_samples() throws Exception {
    Readings<PuePoint> pue = SignalReaders.readPue(sample("pue.csv"));
    Readings<IntensityPoint> history = SignalReaders.readIntensity(sample("electricitymaps.json"));

    assertThat(pue.rejected()).isEmpty();
    assertThat(pue.values()).contains(new PuePoint("paris-1", Instant.parse("2026-03-01T12:00:00Z"), 1.2));
    assertThat(history.rejected()).isEmpty();
    assertThat(history.values()).hasSize(3).contains(new IntensityPoint("DE", T0, 338.0));
  }

  @Test
  void the_codecarbon_emissions_meter_the_gpu_the_vllm_requests_ran_on() throws Exception {
    Readings<MeterSample> meters = MeterReaders.read(sample("emissions.csv"));
    Readings<RunSpan> vllm = SpanReader.read(sample("vllm-spans.jsonl"));

    assertThat(meters.rejected()).isEmpty();
    assertThat(meters.values()).extracting(MeterSample::resource).containsOnly("codecarbon:llm-serve/gpu", "codecarbon:llm-serve/cpu",
        "codecarbon:llm-serve/ram");
    assertThat(meters.values()).contains(new MeterSample("codecarbon:llm-serve/gpu", T0.plusSeconds(20), Kind.ENERGY, 6000.0));
    assertThat(vllm.rejected()).isEmpty();
    assertThat(vllm.values()).extracting(RunSpan::id).containsExactly("cmpl-7f3a", "cmpl-9c21");
    assertThat(vllm.values()).allSatisfy(span -> {
      assertThat(span.resources()).containsExactly("codecarbon:llm-serve/gpu");
      assertThat(span.phases()).containsOnlyKeys(RunSpan.QUEUE, RunSpan.PREFILL, RunSpan.DECODE);
      assertThat(span.start()).isAfterOrEqualTo(T0);
      assertThat(span.end()).isBeforeOrEqualTo(T0.plusSeconds(20));
    });
  }
}
