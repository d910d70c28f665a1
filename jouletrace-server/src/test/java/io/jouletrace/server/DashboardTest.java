package io.jouletrace.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jouletrace.catalog.Catalog;
import io.jouletrace.core.figure.AccuracyBand;
import io.jouletrace.core.figure.Display;
import io.jouletrace.ledger.Ledger;
import io.jouletrace.ledger.store.DuckDbStore;
import java.io.File;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The dashboard in a real headless Chromium (Debian's {@code chromium} and {@code chromium-driver}, which
 * scripts/test.sh installs) against a server with a known ledger: the numbers it shows are the API's, rounded to their
 * band. Saves {@code target/dashboard.png}.
 */
class DashboardTest {

  private static final String CHROMIUM = "/usr/bin/chromium";
  private static final String CHROMEDRIVER = "/usr/bin/chromedriver";
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir
  Path dir;

  private JouletraceServer server;
  private WebDriver browser;

  @BeforeEach
  void start() {
    assertThat(new File(CHROMIUM)).as("Chromium for the dashboard test (apt-get install chromium chromium-driver)").exists();
    server = JouletraceServer.start(Ledger.open(DuckDbStore.open(dir), null),
        new JouletraceServer.Config(0, "127.0.0.1", JouletraceServer.Config.DEFAULT_MAX_BODY, ServerTest.ADMIN, Catalog.DEFAULT_METHODOLOGY));
    server.loadDemo();
    ChromeOptions options = new ChromeOptions().setBinary(CHROMIUM)
        .addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1400,2200");
    browser = new ChromeDriver(new ChromeDriverService.Builder().usingDriverExecutable(new File(CHROMEDRIVER)).build(), options);
  }

  @AfterEach
  void stop() {
    if (browser != null) browser.quit();
    server.close();
  }

  private JsonNode api(String path) throws Exception {
    HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(base() + path))
        .header("Authorization", "Bearer " + ServerTest.ADMIN).build(), HttpResponse.BodyHandlers.ofString());
    return JSON.readTree(response.body());
  }

  private String base() {
    return "http://127.0.0.1:" + server.port();
  }

  private String text(String id) {
    return browser.findElement(By.id(id)).getText();
  }

  /** The record view's value for {@code term}. */
  private String term(String term) {
    return browser.findElement(By.cssSelector("#record dd[data-term='" + term + "']")).getText();
  }

  /** What the dashboard must show for a figure with a range: each number rounded as the CLI does, compared as numbers. */
  private static void shows(String shown, String expected) {
    assertThat(Double.parseDouble(shown)).as("shown %s, expected %s", shown, expected).isEqualTo(Double.parseDouble(expected));
  }

  private static Display.Shown ranged(JsonNode node, String valueField, String band) {
    return Display.of(node.get(valueField).asDouble(), node.get(valueField + "_low").asDouble(), node.get(valueField + "_high").asDouble(),
        AccuracyBand.of(band));
  }

  @Test
  void shows_the_apis_totals_with_their_tiers_unrated_calls_and_a_records_provenance() throws Exception {
    LocalDate today = LocalDate.now(ZoneOffset.UTC);
    String since = today.minusDays(14).toString();
    String until = today.plusDays(1).toString();
    HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(base() + "/api/budgets/search-daily"))
        .header("Authorization", "Bearer " + ServerTest.ADMIN).PUT(HttpRequest.BodyPublishers.ofString(
            "{\"scope\":\"team\",\"scope_value\":\"search\",\"quantity\":\"energy\",\"limit\":0.001,\"period\":\"month\",\"mode\":\"gate\"}"))
        .build(), HttpResponse.BodyHandlers.ofString());
    browser.get(base() + "/");
    browser.findElement(By.id("api-key")).sendKeys(ServerTest.ADMIN);
    ((org.openqa.selenium.JavascriptExecutor) browser).executeScript(
        "document.getElementById('since').value = arguments[0]; document.getElementById('until').value = arguments[1];", since, until);
    browser.findElement(By.id("load")).click();
    new WebDriverWait(browser, Duration.ofSeconds(20)).until(b -> "true".equals(b.findElement(By.tagName("body")).getDomAttribute("data-loaded"))
        || !b.findElement(By.id("status")).getText().isEmpty() && b.findElement(By.id("status")).getText().startsWith("error"));
    assertThat(text("status")).isEmpty();

    JsonNode summary = api("/api/energy/summary?by=team&since=" + since + "&until=" + until);
    Display.Shown wh = Display.of(summary.get("total_wh").asDouble(), summary.get("wh_low").asDouble(), summary.get("wh_high").asDouble(),
        AccuracyBand.of(summary.get("band").get("energy").asText()));
    shows(text("total-wh"), wh.value());
    assertThat(text("total-range").split(" – ")).hasSize(2);
    shows(text("total-range").split(" – ")[0], wh.low());
    shows(text("total-range").split(" – ")[1], wh.high());
    shows(text("total-co2"), Display.of(summary.get("total_co2_grams").asDouble(), summary.get("co2_grams_low").asDouble(),
        summary.get("co2_grams_high").asDouble(), AccuracyBand.of(summary.get("band").get("carbon").asText())).value());
    assertThat(text("total-calls")).isEqualTo(summary.get("total_calls").asText());
    assertThat(summary.get("unrated").get("calls").asLong()).as("the demo has unrated calls").isPositive();
    assertThat(text("unrated-calls")).isEqualTo(summary.get("unrated").get("calls").asText());
    assertThat(text("unrated-tokens")).isEqualTo(summary.get("unrated").get("tokens").asText());
    assertThat(text("tier-modelled")).endsWith("(" + summary.get("tiers").get("modelled").get("calls").asText() + " calls)");
    assertThat(text("tier-estimated")).endsWith("(" + summary.get("tiers").get("estimated").get("calls").asText() + " calls)");

    List<WebElement> teamRows = browser.findElements(By.cssSelector("#by-team tr[data-key]"));
    assertThat(teamRows).hasSize(summary.get("by_team").size());
    for (WebElement row : teamRows) {
      JsonNode entry = summary.get("by_team").get(row.getDomAttribute("data-key"));
      List<WebElement> cells = row.findElements(By.tagName("td"));
      shows(cells.get(1).getText(), ranged(entry, "wh", entry.get("band").get("energy").asText()).value());
      assertThat(cells.get(3).getText()).isEqualTo(entry.get("calls").asText());
    }
    int unratedModels = 0;
    for (var model : summary.get("by_model").properties()) {
      if (!model.getValue().get("wh").isNull()) continue;
      unratedModels++;
      WebElement row = browser.findElement(By.cssSelector("#by-model tr[data-key='" + model.getKey() + "']"));
      assertThat(row.findElements(By.tagName("td")).get(1).getText()).as(model.getKey()).isEqualTo("unrated");
    }
    assertThat(unratedModels).as("the demo has a model with no figure").isPositive();
    JsonNode modelSeries = api("/api/energy/series?by=model&bucket=day&since=" + since + "&until=" + until);
    for (String chart : List.of("chart-team-energy", "chart-team-carbon", "chart-model-energy", "chart-model-carbon")) {
      Boolean drawn = (Boolean) ((org.openqa.selenium.JavascriptExecutor) browser).executeScript(
          "return Chart.getChart(arguments[0]).data.datasets.length > 0", chart);
      assertThat(drawn).as(chart).isTrue();
    }
    // An unrated model's days are gaps (null) in the chart, never 0, and are named under it.
    String unratedModel = null;
    for (JsonNode point : modelSeries.get("points")) if (point.get("wh").isNull()) unratedModel = point.get("key").asText();
    assertThat(unratedModel).as("the demo has an unrated model in the series").isNotNull();
    @SuppressWarnings("unchecked")
    List<Object> plotted = (List<Object>) ((org.openqa.selenium.JavascriptExecutor) browser).executeScript(
        "return Chart.getChart('chart-model-energy').data.datasets.find(d => d.label === arguments[0]).data", unratedModel);
    assertThat(plotted).isNotEmpty().containsOnlyNulls();
    assertThat(text("chart-model-energy-unrated")).startsWith("unrated").contains(unratedModel);

    JsonNode ranking = api("/api/reports/ranking?since=" + since + "&until=" + until);
    List<WebElement> rankingRows = browser.findElements(By.cssSelector("#ranking tr"));
    assertThat(rankingRows).hasSize(1 + ranking.get("models").size() + ranking.get("unrated").size());
    JsonNode starred = null;
    for (JsonNode model : ranking.get("models")) if (!model.get("stars").isNull()) starred = model;
    assertThat(starred).as("the demo has a model on the AI Energy Score leaderboard").isNotNull();
    String starredName = starred.get("provider").asText() + "/" + starred.get("model").asText();
    WebElement starredRow = rankingRows.stream().filter(r -> r.getText().startsWith(starredName)).findFirst().orElseThrow();
    int stars = starred.get("stars").get("stars").asInt();
    assertThat(starredRow.findElements(By.tagName("td")).get(3).getText()).isEqualTo("★".repeat(stars) + "☆".repeat(5 - stars));
    assertThat(browser.findElements(By.cssSelector("#recommendations li")))
        .hasSize(api("/api/reports/recommendations?since=" + since + "&until=" + until).get("recommendations").size()).isNotEmpty();

    JsonNode budget = api("/api/budgets/status").get("budgets").get(0);
    List<WebElement> budgetCells = browser.findElements(By.cssSelector("#budgets tr")).get(1).findElements(By.tagName("td"));
    assertThat(budgetCells.get(0).getText()).isEqualTo("search-daily");
    assertThat(budgetCells.get(6).getText()).startsWith(budget.get("state").asText());

    browser.findElement(By.id("record-id")).sendKeys("demo-20-search-3");
    browser.findElement(By.cssSelector("#record-form button")).click();
    new WebDriverWait(browser, Duration.ofSeconds(10)).until(b -> !b.findElements(By.cssSelector("#record dd")).isEmpty());
    JsonNode record = api("/api/invocations/demo-20-search-3");
    String provenance = text("record");
    assertThat(provenance).contains("seq " + record.get("chain").get("seq").asText()).contains(record.get("chain").get("hash").asText())
        .contains(record.get("figures").get("methodology_version").asText());
    if (record.get("figures").get("carbon").isObject()) {
      assertThat(provenance).contains(record.get("figures").get("carbon").get("intensity_source").asText());
    }
    JsonNode score = record.get("energy_score");
    assertThat(term("energy score")).isEqualTo(score.isNull() ? "– (" + record.get("energy_score_null_reason").get("code").asText() + ")"
        : "★".repeat(score.get("stars").asInt()) + "☆".repeat(5 - score.get("stars").asInt()) + " (" + score.get("task").asText() + ", "
            + score.get("leaderboard_version").asText() + ")");
    for (String[] figure : new String[][] {{"energy", "wh"}, {"carbon", "g"}}) {
      JsonNode amount = record.get("figures").get(figure[0]);
      assertThat(amount.isObject()).as("demo-20-search-3 has a %s figure", figure[0]).isTrue();
      String band = amount.get("band").asText();
      assertThat(term(figure[0] + " band")).isEqualTo(band);
      String[] range = term(figure[0] + " range").split(" ");
      assertThat(range[1]).isEqualTo("–");
      shows(range[0], ranged(amount, figure[1], band).low());
      shows(range[2], ranged(amount, figure[1], band).high());
      assertThat(term(figure[0])).endsWith(", " + amount.get("tier").asText());
      assertThat(term(figure[0] + " method")).isEqualTo(amount.get("method").asText()).isNotBlank();
    }

    Path screenshot = Path.of("target", "dashboard.png");
    Files.createDirectories(screenshot.getParent());
    Files.write(screenshot, ((TakesScreenshot) browser).getScreenshotAs(OutputType.BYTES));
    assertThat(Files.size(screenshot)).isPositive();
  }
}
