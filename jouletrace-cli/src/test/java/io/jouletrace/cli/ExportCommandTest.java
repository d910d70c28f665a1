package io.jouletrace.cli;

import static io.jouletrace.cli.EstimateCommandTest.jouletrace;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jouletrace.cli.EstimateCommandTest.Run;
import io.jouletrace.ledger.ingest.CsvRows;
import io.jouletrace.ledger.report.FocusExport;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code jouletrace export focus} against a small ledger (the rules themselves: FocusExportTest in the ledger module). */
class ExportCommandTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String AWKWARD_TEAM = "search, \"core\"";

  @TempDir
  Path dir;

  private String data;

  /** One JSONL record; a null input token count or cost center is left out. */
  private static String call(String id, String timestamp, String provider, String model, Long inputTokens, long outputTokens, String team,
      String costCenter) {
    ObjectNode call = JSON.createObjectNode().put("id", id).put("timestamp", timestamp).put("provider", provider).put("model", model)
        .put("output_tokens", outputTokens).put("team", team).put("zone", "FRA");
    if (inputTokens != null) call.put("input_tokens", inputTokens);
    if (costCenter != null) call.put("cost_center", costCenter);
    return call.toString();
  }

  @BeforeEach
  void ledger() throws IOException {
    data = dir.resolve("data").toString();
    Path records = Files.write(dir.resolve("records.jsonl"), List.of(
        call("a1", "2026-11-01T10:00:00Z", "openai", "gpt-4o", 1000L, 300, AWKWARD_TEAM, "CC-1"),
        call("a2", "2026-11-01T18:00:00Z", "openai", "gpt-4o", 500L, 200, AWKWARD_TEAM, "CC-1"),
        call("a3", "2026-11-02T10:00:00Z", "acme", "mystery", null, 200, "support", null)));
    // The price in force when the calls were written, stored on their records.
    Path writtenUnder = Files.writeString(dir.resolve("written-under.csv"), "provider,model,input_per_1m_tokens,output_per_1m_tokens,currency\n"
        + "openai,gpt-4o,3,12,USD\n");
    Run ingest = jouletrace("ingest", records.toString(), "--data", data, "--rejects", dir.resolve("rejects.txt").toString(),
        "--prices", writtenUnder.toString());
    assertThat(ingest.exitCode()).as(ingest.err()).isZero();
  }

  private static List<Map<String, String>> rows(String csv) throws IOException {
    List<Map<String, String>> out = new ArrayList<>();
    try (CsvRows rows = new CsvRows(new ByteArrayInputStream(csv.getBytes(StandardCharsets.UTF_8)))) {
      List<String> header = rows.next();
      assertThat(header).isEqualTo(FocusExport.header());
      for (List<String> cells; (cells = rows.next()) != null; ) {
        Map<String, String> row = new HashMap<>();
        for (int i = 0; i < header.size(); i++) row.put(header.get(i), cells.get(i));
        out.add(row);
      }
    }
    return out;
  }

  @Test
  void one_row_per_day_model_and_team_costed_from_the_stored_price_and_adding_up_to_the_summary() throws IOException {
    Path prices = Files.writeString(dir.resolve("prices.csv"), "provider,model,input_per_1m_tokens,output_per_1m_tokens,currency\n"
        + "openai,gpt-4o,2.50,10.00,USD\n");
    Run run = jouletrace("export", "focus", "--since", "2026-11-01", "--until", "2026-12-01", "--prices", prices.toString(),
        "--billing-account", "acme-001", "--data", data);
    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(run.out()).contains(",\"search, \"\"core\"\"\",");
    List<Map<String, String>> rows = rows(run.out());
    assertThat(rows).hasSize(2);

    Map<String, String> gpt4o = rows.getFirst();
    assertThat(gpt4o.get("ChargePeriodStart")).isEqualTo("2026-11-01T00:00:00Z");
    assertThat(gpt4o.get("ChargePeriodEnd")).isEqualTo("2026-11-02T00:00:00Z");
    // 1,500 input tokens at 3 and 500 output at 12 per million: the price stored at ingest, not the export's --prices.
    assertThat(gpt4o.get("BilledCost")).isEqualTo("0.0105");
    assertThat(gpt4o.get("x_ListPriceSource")).isEqualTo("written-under.csv");
    assertThat(gpt4o.get("ProviderName")).isEqualTo("OpenAI");
    assertThat(gpt4o.get("BillingCurrency")).isEqualTo("USD");
    assertThat(gpt4o.get("BillingAccountId")).isEqualTo("acme-001");
    assertThat(gpt4o.get("SubAccountId")).isEqualTo(AWKWARD_TEAM);
    assertThat(gpt4o.get("x_CostCenter")).isEqualTo("CC-1");
    assertThat(gpt4o.get("ConsumedQuantity")).isEqualTo("2000.0");

    Map<String, String> unrated = rows.getLast();
    assertThat(unrated.get("ResourceId")).isEqualTo("mystery");
    assertThat(unrated.get("x_EnergyWattHours")).as("unrated: empty, never 0").isEmpty();
    assertThat(unrated.get("BilledCost")).as("unpriced: 0, as FOCUS allows no null cost").isEqualTo("0.0");
    assertThat(unrated.get("x_ListPriceSource")).as("and says it has no price").isEmpty();

    double totalWh = jouletrace("report", "summary", "--since", "2026-11-01", "--until", "2026-12-01", "--json", "--data", data).json()
        .get("total_wh").asDouble();
    assertThat(Double.parseDouble(gpt4o.get("x_EnergyWattHours"))).isCloseTo(totalWh, within(1e-9 * totalWh));
  }

  @Test
  void a_malformed_price_table_and_an_unknown_period_are_named() throws IOException {
    Path prices = Files.writeString(dir.resolve("prices.csv"), "provider,model,input_per_1m_tokens,output_per_1m_tokens,currency\n"
        + "openai,gpt-4o,2.50,10.00,dollars\n");
    Run bad = jouletrace("export", "focus", "--prices", prices.toString(), "--data", data);
    assertThat(bad.exitCode()).isEqualTo(1);
    assertThat(bad.err()).contains(prices + ":2: field 'currency': expected an ISO 4217 code");

    Run weekly = jouletrace("export", "focus", "--period", "week", "--data", data);
    assertThat(weekly.exitCode()).isEqualTo(1);
    assertThat(weekly.err()).contains("--period: expected one of hour, day, month, got `week`");
  }
}
