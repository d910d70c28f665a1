package io.jouletrace.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jouletrace.catalog.Catalog;
import io.jouletrace.catalog.EcoBlock;
import io.jouletrace.catalog.EstimateRequest;
import io.jouletrace.core.methodology.Estimate;
import io.jouletrace.core.methodology.Estimator;
import io.jouletrace.core.record.InvocationRecord;
import io.jouletrace.core.record.Operation;
import io.jouletrace.ledger.Composition;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code jouletrace estimate}: the modelled figures of one call, or of one call per line. */
@Command(name = "estimate", mixinStandardHelpOptions = true,
    description = {"Estimate the energy, carbon, embodied carbon and water of one AI call (or one per line with --batch).",
        "Exit status: 0 done (an unknown model is not an error: its figures are null with a reason);",
        "2 a malformed flag; 3 --batch met lines it could not read (each printed as an error object)."})
final class EstimateCommand implements Callable<Integer> {

  static final int EXIT_BAD_LINES = 3;

  @Spec
  CommandSpec spec;

  @Option(names = "--provider", description = "Provider, e.g. openai, anthropic, mistralai, huggingface_hub.")
  String provider;

  @Option(names = "--model", description = "Model name as the provider reports it.")
  String model;

  @Option(names = "--output-tokens", description = "Output (completion) tokens.")
  Long outputTokens;

  @Option(names = "--input-tokens", description = "Input (prompt) tokens.")
  Long inputTokens;

  @Option(names = "--latency", paramLabel = "SECONDS", description = "Measured request latency in seconds.")
  Double latencySeconds;

  @ArgGroup(exclusive = true)
  Where where;

  static final class Where {
    @Option(names = "--zone", paramLabel = "ISO3", description = "Grid zone: ISO 3166-1 alpha-3 country, or WOR.")
    String zone;

    @Option(names = "--region", paramLabel = "LABEL", description = "Cloud region (eu-west-1, eastus…) or label (us-east, eu-north, world…).")
    String region;

    @Option(names = "--intensity", paramLabel = "G_PER_KWH", description = "Explicit grid intensity in gCO2e/kWh.")
    Double intensity;
  }

  @Option(names = "--operation", description = "chat (default), text_completion, embeddings, …")
  String operation;

  @Option(names = "--methodology", paramLabel = "V", description = "Methodology version or family (default ${DEFAULT-VALUE}).",
      defaultValue = Catalog.DEFAULT_METHODOLOGY)
  String methodology;

  @Option(names = "--json", description = "Print the eco block as JSON.")
  boolean json;

  @Option(names = "--batch", paramLabel = "FILE|-", description = "One JSON object per line (snake-case flag names); one eco block per line.")
  String batch;

  @picocli.CommandLine.Mixin
  FigureOptions figuring;

  @picocli.CommandLine.Mixin
  StoredSignalsOptions storedSignals;

  /** The clock of the composition root: an estimate is of a call made now. */
  private InstantSource clock;

  private static final ObjectMapper JSON = new ObjectMapper();

  @Override
  public Integer call() {
    validate();
    Composition composition = figuring.composition(null);
    clock = composition.clock();
    Estimator estimator = storedSignals.estimator(composition);
    checkMethodology(estimator, methodology, "--methodology");
    PrintWriter out = spec.commandLine().getOut();
    if (batch != null) {
      return runBatch(estimator, out);
    }
    InvocationRecord record = singleRecord();
    Estimate estimate = estimator.estimate(record, methodology);
    out.println(json ? EcoBlock.of(record, estimate).toString() : HumanReadable.of(record, estimate));
    out.flush();
    return 0;
  }

  private void validate() {
    if (batch != null) return;
    requireFlag(provider, "--provider");
    requireFlag(model, "--model");
    requireFlag(outputTokens, "--output-tokens");
    nonNegative(outputTokens, "--output-tokens");
    nonNegative(inputTokens, "--input-tokens");
    if (latencySeconds != null && !(latencySeconds >= 0)) throw bad("--latency", "must be >= 0, got " + latencySeconds);
    if (where != null && where.intensity != null && !(where.intensity >= 0 && Double.isFinite(where.intensity))) {
      throw bad("--intensity", "must be a finite number >= 0, got " + where.intensity);
    }
  }

  private void requireFlag(Object value, String flag) {
    if (value == null) throw bad(flag, "is required (or use --batch)");
  }

  private void nonNegative(Long value, String flag) {
    if (value != null && value < 0) throw bad(flag, "must be >= 0, got " + value);
  }

  private ParameterException bad(String flag, String message) {
    return new ParameterException(spec.commandLine(), "Invalid value for option '" + flag + "': " + message);
  }

  private void checkMethodology(Estimator estimator, String version, String flag) {
    try {
      estimator.forVersion(version);
    } catch (Estimator.UnknownMethodologyException e) {
      throw bad(flag, e.getMessage());
    }
  }

  private InvocationRecord singleRecord() {
    var builder = InvocationRecord.builder(provider, model, outputTokens).inputTokens(inputTokens).latencySeconds(latencySeconds);
    if (where != null) builder.zone(where.zone).region(where.region).intensityGramsPerKwh(where.intensity);
    if (operation != null) builder.operation(Operation.of(operation));
    return Composition.madeNow(builder.build(), clock);
  }

  private int runBatch(Estimator estimator, PrintWriter out) {
    boolean rejected = false;
    try (BufferedReader reader = batch.equals("-")
        ? new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))
        : Files.newBufferedReader(Path.of(batch), StandardCharsets.UTF_8)) {
      int lineNumber = 0;
      for (String line; (line = reader.readLine()) != null; ) {
        lineNumber++;
        if (line.isBlank()) continue;
        JsonNode result = estimateLine(estimator, line, lineNumber);
        rejected |= result.has("error");
        out.println(result);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + batch + ": " + e.getMessage(), e);
    }
    out.flush();
    return rejected ? EXIT_BAD_LINES : 0;
  }

  private JsonNode estimateLine(Estimator estimator, String line, int lineNumber) {
    try {
      EstimateRequest request = EstimateRequest.fromJson(JSON.readTree(line));
      String version = request.methodology() != null ? request.methodology() : methodology;
      try {
        estimator.forVersion(version);
      } catch (Estimator.UnknownMethodologyException e) {
        return error(lineNumber, "methodology", e.getMessage());
      }
      return request.ecoBlock(estimator.estimate(Composition.madeNow(request.record(), clock), version));
    } catch (JsonProcessingException e) {
      return error(lineNumber, "", "not valid JSON: " + e.getOriginalMessage());
    } catch (EstimateRequest.FieldException e) {
      return error(lineNumber, e.field(), e.getMessage());
    } catch (IllegalArgumentException e) {
      return error(lineNumber, "", e.getMessage());
    }
  }

  private ObjectNode error(int lineNumber, String field, String message) {
    String source = batch.equals("-") ? "<stdin>" : batch;
    ObjectNode error = JSON.createObjectNode();
    error.putObject("error").put("file", source).put("line", lineNumber).put("field", field)
        .put("message", source + ":" + lineNumber + ": " + (field.isEmpty() ? "" : "field '" + field + "': ") + message);
    return error;
  }
}
