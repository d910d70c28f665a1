package io.jouletrace.core;

import io.jouletrace.core.carbon.AnnualIntensities.AnnualIntensity;
import io.jouletrace.core.carbon.GridCatalog;
import io.jouletrace.core.carbon.IntensityResolver;
import io.jouletrace.core.carbon.IntensitySignal;
import io.jouletrace.core.figure.Range;
import io.jouletrace.core.methodology.Estimator;
import io.jouletrace.core.methodology.ecologits.EcoLogitsCoefficients;
import io.jouletrace.core.methodology.ecologits.EcoLogitsMethodology;
import io.jouletrace.core.methodology.ecologits.ElectricityMixes;
import io.jouletrace.core.model.ModelRegistry;
import io.jouletrace.core.model.ModelResolver;
import io.jouletrace.core.model.ModelSpec;
import java.util.List;
import java.util.Map;

/** A small, hand-written catalogue so core tests need no bundled data. */
public final class Fixtures {

  private Fixtures() {}

  public static final ModelSpec MISTRAL_7B = new ModelSpec("mistralai", "open-mistral-7b", Range.exactly(7.3), Range.exactly(7.3), List.of());
  public static final ModelSpec GPT_4O = new ModelSpec("openai", "gpt-4o", new Range(44, 132), Range.exactly(440),
      List.of(ModelSpec.ARCH_NOT_RELEASED, "model-arch-multimodal"));
  public static final ModelSpec GPT_35 = new ModelSpec("openai", "gpt-3.5-turbo", new Range(20, 70), new Range(20, 70),
      List.of(ModelSpec.ARCH_NOT_RELEASED));
  public static final ModelSpec LLAMA_8B = new ModelSpec("huggingface_hub", "meta-llama/Meta-Llama-3.1-8B-Instruct",
      Range.exactly(8.03), Range.exactly(8.03), List.of());
  public static final ModelSpec CLAUDE = new ModelSpec("anthropic", "claude-sonnet-4-20250514", new Range(70, 210), Range.exactly(700),
      List.of(ModelSpec.ARCH_NOT_RELEASED));

  public static ModelRegistry registry() {
    return new ModelRegistry("test registry", ModelRegistry.Lookup.EXACT, List.of(MISTRAL_7B, GPT_4O, GPT_35, LLAMA_8B, CLAUDE),
        Map.of("openai/gpt-35-turbo", "gpt-3.5-turbo", "anthropic/claude-sonnet-4-0", "claude-sonnet-4-20250514"));
  }

  public static ElectricityMixes mixes() {
    return new ElectricityMixes("test mix", List.of(
        new ElectricityMixes.Mix("WOR", 0.47301, 1.349e-08, 2.5871, 3.908),
        new ElectricityMixes.Mix("USA", 0.38355, 9.855e-08, 9.6884, 3.1321),
        new ElectricityMixes.Mix("SWE", 0.03582, 7.771e-08, 4.7301, 6.0315),
        new ElectricityMixes.Mix("FRA", 0.04418, 4.858e-08, 9.3135, 3.6737)));
  }

  public static GridCatalog grid() {
    return new GridCatalog(
        List.of(new AnnualIntensity("WOR", 473.0, "grid WOR"), new AnnualIntensity("USA", 384.0, "grid USA"),
            new AnnualIntensity("FRA", 44.0, "grid FRA"), new AnnualIntensity("ZAF", 708.0, "grid ZAF"),
            new AnnualIntensity("SWE", 36.0, "grid SWE"), new AnnualIntensity("NOR", 30.0, "grid NOR")),
        List.of(new GridCatalog.CloudRegion("aws", "eu-north-1", "SWE", 35.0, "region eu-north-1"),
            new GridCatalog.CloudRegion("aws", "af-south-1", "ZAF", 702.0, "region af-south-1")),
        List.of(new GridCatalog.Label("eu-north", List.of(new GridCatalog.Member("SWE", 10.5), new GridCatalog.Member("NOR", 5.5)),
            "population-weighted mean of SWE, NOR"))).validated();
  }

  public static IntensityResolver intensities() {
    return new IntensityResolver(grid(), IntensitySignal.none(), null);
  }

  public static EcoLogitsMethodology ecologits() {
    return new EcoLogitsMethodology(EcoLogitsCoefficients.V0_9_1, new ModelResolver(registry(), null), mixes());
  }

  public static Estimator estimator() {
    return new Estimator(List.of(ecologits()), "ecologits-0.9.1", List.of(), intensities());
  }
}
