package io.jouletrace.cli;

import static io.jouletrace.cli.EstimateCommandTest.jouletrace;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Text output of a total that is mostly one precise model and a little of a gross one: the total keeps the precision
 * of its own range (not the weakest band's one digit), the printed range contains the real one, and a budget's
 * remaining amount keeps its sign. JSON keeps full precision.
 */
class HonestDisplayTest {

  private static final Pattern TOTAL = Pattern.compile("total: (\\S+) Wh");
  private static final Pattern RANGE = Pattern.compile("range (\\S+) – (\\S+) Wh");
  private static final Pattern REMAINING = Pattern.compile("remaining (\\S+) kWh");

  @TempDir
  Path dir;

  private String ledger() throws IOException {
    List<String> lines = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      lines.add("{\"id\":\"m" + i + "\",\"timestamp\":\"2026-12-0" + (1 + i % 2) + "T10:00:" + (10 + i) + "Z\",\"provider\":\"mistralai\","
          + "\"model\":\"open-mistral-7b\",\"output_tokens\":" + (20_000 + 97 * i) + ",\"team\":\"search\",\"zone\":\"FRA\"}");
    }
    // A small part whose size comes from its name: band gross.
    lines.add("{\"id\":\"g1\",\"timestamp\":\"2026-12-02T11:00:00Z\",\"provider\":\"groq\",\"model\":\"llama-3-70b\","
        + "\"output_tokens\":500,\"team\":\"search\",\"zone\":\"FRA\"}");
    return ReportCommandTest.ingest(dir, lines.toArray(String[]::new));
  }

  @Test
  void a_total_keeps_the_precision_its_range_supports_and_prints_the_real_range() throws IOException {
    String data = ledger();
    JsonNode json = jouletrace("report", "summary", "--json", "--data", data).json();
    double total = json.get("total_wh").asDouble();
    double low = json.get("wh_low").asDouble();
    double high = json.get("wh_high").asDouble();
    assertThat(json.get("band").get("energy").asText()).isEqualTo("gross");

    String text = jouletrace("report", "summary", "--data", data).out();
    Matcher shownTotal = TOTAL.matcher(text);
    Matcher shownRange = RANGE.matcher(text);
    assertThat(shownTotal.find()).as(text).isTrue();
    assertThat(shownRange.find()).as(text).isTrue();
    // Rounded one decimal place below the leading digit of the range's width: within a twentieth of the width.
    assertThat(Math.abs(Double.parseDouble(shownTotal.group(1)) - total)).as(text).isLessThanOrEqualTo((high - low) / 20);
    assertThat(new BigDecimal(shownRange.group(1))).as(text).isLessThanOrEqualTo(new BigDecimal(low));
    assertThat(new BigDecimal(shownRange.group(2))).as(text).isGreaterThanOrEqualTo(new BigDecimal(high));
    assertThat(shownRange.group(1)).as(text).isNotEqualTo(shownRange.group(2));
  }

  @Test
  void a_budget_just_overrun_prints_a_negative_remaining() throws IOException {
    String data = ledger();
    double spentKwh = jouletrace("report", "summary", "--json", "--data", data).json().get("total_wh").asDouble() / 1000;
    // Overrun by far less than the spent range's resolution.
    String limit = Double.toString(spentKwh * (1 - 1e-6));
    assertThat(jouletrace("budget", "set", "--team", "search", "--kwh", limit, "--period", "month", "--data", data).exitCode()).isZero();
    String text = jouletrace("budget", "status", "--at", "2026-12-15T00:00:00Z", "--data", data).out();
    Matcher remaining = REMAINING.matcher(text);
    assertThat(remaining.find()).as(text).isTrue();
    assertThat(new BigDecimal(remaining.group(1)).signum()).as(text).isEqualTo(-1);
  }
}
