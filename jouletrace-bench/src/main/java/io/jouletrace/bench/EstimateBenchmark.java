package io.jouletrace.bench;

import io.jouletrace.catalog.Catalog;
import io.jouletrace.core.methodology.Estimate;
import io.jouletrace.core.methodology.Estimator;
import io.jouletrace.core.record.InvocationRecord;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Modelled estimates per second on one core, over a mix of dense, MoE, ranged and unknown models
 * with zones, regions and provider defaults.
 *
 * <p>Run: {@code ./mvnw -q -B -ntp -DskipTests -pl jouletrace-bench -am package && $JAVA_HOME/bin/java -jar
 * jouletrace-bench/target/benchmarks.jar EstimateBenchmark -f 1 -wi 3 -i 5 -t 1}
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(1)
@Threads(1)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class EstimateBenchmark {

  private Estimator estimator;
  private InvocationRecord[] calls;
  private int next;

  @Setup
  public void setUp() {
    estimator = Catalog.estimator(Catalog.Options.defaults());
    calls = new InvocationRecord[] {
        // dense, published size
        InvocationRecord.builder("mistralai", "open-mistral-7b", 250).latencySeconds(3.0).zone("FRA").build(),
        // MoE with an active-parameter range and two warnings
        InvocationRecord.builder("openai", "gpt-4o", 400).latencySeconds(6.5).build(),
        // dense with a size range, cloud region
        InvocationRecord.builder("openai", "gpt-4o-mini", 120).latencySeconds(1.2).region("eu-west-1").build(),
        // PUE/WUE ranges (anthropic), large MoE
        InvocationRecord.builder("anthropic", "claude-opus-4-1", 1000).latencySeconds(20.0).zone("DEU").build(),
        // open weights through huggingface_hub, explicit intensity
        InvocationRecord.builder("huggingface_hub", "meta-llama/Meta-Llama-3.1-8B-Instruct", 300).latencySeconds(2.0)
            .intensityGramsPerKwh(250.0).build(),
        // resolved leniently (dated snapshot) and by name estimate
        InvocationRecord.builder("openai", "gpt-4o-2024-08-06", 200).latencySeconds(3.0).build(),
        InvocationRecord.builder("groq", "llama-3-70b", 500).latencySeconds(2.0).region("us-east").build(),
        // unknown model: null figures with a reason
        InvocationRecord.builder("acme", "mystery-model", 100).latencySeconds(1.0).build(),
    };
  }

  @Benchmark
  public Estimate estimate() {
    InvocationRecord call = calls[next];
    next = next + 1 == calls.length ? 0 : next + 1;
    return estimator.estimate(call);
  }
}
