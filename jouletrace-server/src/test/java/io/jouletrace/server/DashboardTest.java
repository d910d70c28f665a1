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
 * band; sign-in by a one-time link and its session cookie; no sideways scroll at 1280 px. Saves {@code target/dashboard.png},
 * {@code target/dashboard-1280.png} and {@code target/dashboard-recommendations.png}.
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
        .addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1280,2400");
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
    browser.get(base() + server.adminSignInPath());
    new WebDriverWait(browser, Duration.ofSeconds(20)).until(b -> "true".equals(b.findElement(By.tagName("body")).getDomAttribute("data-loaded")));
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
    checkPanels(since, until);

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

    Long scrollWidth = (Long) js("return document.documentElement.scrollWidth");
    Long clientWidth = (Long) js("return document.documentElement.clientWidth");
    assertThat(clientWidth).as("the window is 1280 px wide").isBetween(1200L, 1280L);
    Object tooWide = js("return [...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right"
        + " > document.documentElement.clientWidth).slice(0, 8).map(e => e.tagName + '#' + e.id + '.' + e.className).join(' ')");
    assertThat(scrollWidth).as("no sideways scroll at 1280 px (too wide: %s)", tooWide).isLessThanOrEqualTo(clientWidth);

    save("dashboard.png", ((TakesScreenshot) browser).getScreenshotAs(OutputType.BYTES));
    js("document.body.style.height = 'auto'");
    Long height = (Long) js("return document.documentElement.scrollHeight");
    browser.manage().window().setSize(new org.openqa.selenium.Dimension(1280, (int) Math.min(height + 200, 8000)));
    save("dashboard-1280.png", ((TakesScreenshot) browser).getScreenshotAs(OutputType.BYTES));
    save("dashboard-recommendations.png", browser.findElement(By.id("recommendations-card")).getScreenshotAs(OutputType.BYTES));
  }

  private Object js(String script, Object... arguments) {
    return ((org.openqa.selenium.JavascriptExecutor) browser).executeScript(script, arguments);
  }

  private static void save(String name, byte[] png) throws Exception {
    Path screenshot = Path.of("target", name);
    Files.createDirectories(screenshot.getParent());
    Files.write(screenshot, png);
    assertThat(Files.size(screenshot)).isPositive();
  }

  /** The panels beyond the totals, each against the API over the same range with the demo's data. */
  private void checkPanels(String since, String until) throws Exception {
    String range = "since=" + since + "&until=" + until;
    JsonNode summary = api("/api/energy/summary?by=cost_center&" + range);
    // The unrated calls are one line; the models behind them open on a click.
    WebElement unrated = browser.findElement(By.id("unrated-details"));
    assertThat(unrated.getDomAttribute("open")).isNull();
    List<WebElement> unratedRows = browser.findElements(By.cssSelector("#unrated-models tr"));
    long unratedModels = 0;
    for (var model : summary.get("by_model").properties()) if (model.getValue().get("unrated").get("calls").asLong() > 0) unratedModels++;
    assertThat(unratedRows).hasSize(1 + (int) unratedModels);
    unrated.findElement(By.tagName("summary")).click();
    assertThat(unratedRows.get(1).isDisplayed()).isTrue();
    assertThat(unratedRows.get(1).findElements(By.tagName("td")).get(1).getText())
        .isEqualTo(summary.get("by_model").get(unratedRows.get(1).findElements(By.tagName("td")).get(0).getText()).get("unrated").get("calls").asText());

    List<WebElement> costCenters = browser.findElements(By.cssSelector("#by-cost-center tr[data-key]"));
    assertThat(costCenters).hasSize(summary.get("by_cost_center").size()).hasSizeGreaterThan(1);
    for (WebElement row : costCenters) {
      JsonNode entry = summary.get("by_cost_center").get(row.getDomAttribute("data-key"));
      shows(row.findElements(By.tagName("td")).get(1).getText(), ranged(entry, "wh", entry.get("band").get("energy").asText()).value());
    }

    JsonNode recommendations = api("/api/reports/recommendations?" + range).get("recommendations");
    List<WebElement> recommendationRows = browser.findElements(By.cssSelector("#recommendations tr"));
    assertThat(recommendations.size()).as("the demo has recommendations").isPositive();
    assertThat(recommendationRows).hasSize(1 + Math.min(10, recommendations.size()));
    JsonNode first = recommendations.get(0);
    List<WebElement> firstCells = recommendationRows.get(1).findElements(By.tagName("td"));
    assertThat(firstCells.get(0).getText()).isEqualTo(first.get("team").asText());
    assertThat(firstCells.get(1).getText()).isEqualTo(first.get("provider").asText() + "/" + first.get("model").asText() + " → "
        + first.get("proposed").get("provider").asText() + "/" + first.get("proposed").get("model").asText());
    assertThat(firstCells.get(2).getText()).endsWith("%)");
    JsonNode annual = first.get("annual");
    shows(firstCells.get(3).getText().split(" ")[0], Display.of(annual.get("co2_grams_difference").asDouble() / 1000,
        annual.get("co2_grams_difference_low").asDouble() / 1000, annual.get("co2_grams_difference_high").asDouble() / 1000,
        AccuracyBand.of(annual.get("band").asText())).value());
    List<WebElement> assumptions = firstCells.get(4).findElements(By.tagName("li"));
    assertThat(assumptions).hasSize(first.get("assumptions").size()).isNotEmpty();
    assertThat(assumptions.get(0).getText()).isEqualTo(first.get("assumptions").get(0).asText());
    assertThat(text("recommendations-card")).doesNotContain("stars –");

    // The baseline picker offers the rated models; choosing one redraws the comparison against it.
    JsonNode ranking = api("/api/reports/ranking?" + range).get("models");
    List<WebElement> options = browser.findElements(By.cssSelector("#baseline-model option"));
    assertThat(options).hasSize(ranking.size());
    JsonNode baselineModel = ranking.get(ranking.size() - 1);
    String picked = baselineModel.get("provider").asText() + "/" + baselineModel.get("model").asText();
    new org.openqa.selenium.support.ui.Select(browser.findElement(By.id("baseline-model"))).selectByValue(picked);
    JsonNode comparison = api("/api/reports/compare?baseline_provider=" + baselineModel.get("provider").asText() + "&baseline="
        + baselineModel.get("model").asText() + "&" + range);
    new WebDriverWait(browser, Duration.ofSeconds(10)).until(b -> text("baseline-note").contains(comparison.get("compared_with").asText()));
    assertThat(browser.findElements(By.cssSelector("#baseline tr"))).hasSize(1 + comparison.get("lines").size());
    assertThat(comparison.get("lines").size()).isPositive();

    // Budgets: the one set shows; the intensities are the stored figures'; the footer names the methodology.
    JsonNode intensities = api("/api/intensities?" + range).get("intensities");
    assertThat(intensities.size()).as("the demo's calls ran in several zones").isGreaterThan(1);
    long withIntensity = 0;
    java.util.Set<String> zones = new java.util.HashSet<>();
    for (JsonNode used : intensities) {
      withIntensity += used.get("calls").asLong();
      zones.add(used.get("zone").asText());
    }
    assertThat(withIntensity).as("every call with a figure, once").isEqualTo(summary.get("total_calls").asLong() - summary.get("unrated").get("calls").asLong());
    assertThat(zones).isEqualTo(api("/api/energy/summary?by=zone&" + range).get("by_zone").properties().stream()
        .filter(z -> !z.getValue().get("co2_grams").isNull()).map(java.util.Map.Entry::getKey).collect(java.util.stream.Collectors.toSet()));
    List<WebElement> intensityRows = browser.findElements(By.cssSelector("#intensities tr"));
    assertThat(intensityRows).hasSize(1 + intensities.size());
    List<WebElement> topIntensity = intensityRows.get(1).findElements(By.tagName("td"));
    assertThat(topIntensity.get(0).getText()).isEqualTo(intensities.get(0).get("zone").asText());
    assertThat(Double.parseDouble(topIntensity.get(1).getText())).isCloseTo(intensities.get(0).get("g_per_kwh").asDouble(),
        org.assertj.core.data.Percentage.withPercentage(0.5));
    assertThat(topIntensity.get(2).getText()).isEqualTo(intensities.get(0).get("source").asText());
    assertThat(text("methodology-version")).isEqualTo(Catalog.DEFAULT_METHODOLOGY);
    assertThat(text("methodology-effective")).isEqualTo("2026-02-25");
  }

  @Test
  void a_sign_in_link_works_once_and_sets_an_http_only_strict_session_cookie_that_sign_out_ends() throws Exception {
    browser.get(base() + "/");
    new WebDriverWait(browser, Duration.ofSeconds(10)).until(b -> text("status").startsWith("not signed in"));

    String link = server.adminSignInPath();
    assertThat(link).startsWith("/signin?token=").doesNotContain(ServerTest.ADMIN);
    browser.get(base() + link);
    new WebDriverWait(browser, Duration.ofSeconds(20)).until(b -> "true".equals(b.findElement(By.tagName("body")).getDomAttribute("data-loaded")));
    assertThat(browser.getCurrentUrl()).isEqualTo(base() + "/");
    assertThat(text("status")).isEmpty();
    org.openqa.selenium.Cookie cookie = browser.manage().getCookieNamed(DashboardSessions.COOKIE);
    assertThat(cookie.isHttpOnly()).isTrue();
    assertThat(cookie.getSameSite()).isEqualTo("Strict");
    assertThat(js("return document.cookie")).asString().doesNotContain(DashboardSessions.COOKIE);
    assertThat(text("total-calls")).isEqualTo(api("/api/energy/summary").get("total_calls").asText());
    assertThat(text("budgets-empty")).as("no budget is set here").startsWith("No budgets are set");

    HttpResponse<String> again = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(base() + link)).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(again.statusCode()).as("a link works once").isEqualTo(401);
    assertThat(again.body()).contains("token");

    browser.findElement(By.id("logout")).click();
    new WebDriverWait(browser, Duration.ofSeconds(10)).until(b -> text("status").equals("signed out"));
    Object status = ((org.openqa.selenium.JavascriptExecutor) browser).executeAsyncScript(
        "const done = arguments[arguments.length - 1]; fetch('/api/energy/summary').then(r => done(r.status));");
    assertThat(status).isEqualTo(401L);
    HttpResponse<String> withOldCookie = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(base() + "/api/energy/summary"))
        .header("Cookie", DashboardSessions.COOKIE + "=" + cookie.getValue()).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(withOldCookie.statusCode()).as("the session ended on the server too").isEqualTo(401);

    // A tenant key gets a link of its own; its session sees only its tenant.
    String tenantKey = server.createKey("acme", "dashboard test");
    HttpResponse<String> tenantLink = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(base() + "/api/session/link"))
        .header("Authorization", "Bearer " + tenantKey).POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(tenantLink.statusCode()).isEqualTo(201);
    HttpResponse<String> signedIn = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(base()
        + JSON.readTree(tenantLink.body()).get("path").asText())).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(signedIn.statusCode()).isEqualTo(303);
    String setCookie = signedIn.headers().firstValue("Set-Cookie").orElseThrow();
    assertThat(setCookie).containsIgnoringCase("HttpOnly").containsIgnoringCase("SameSite=Strict");
    HttpResponse<String> otherTenant = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(base() + "/api/energy/summary?tenant=globex"))
        .header("Cookie", setCookie.substring(0, setCookie.indexOf(';'))).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(otherTenant.statusCode()).isEqualTo(403);

    // A key still works, typed into the form.
    browser.findElement(By.cssSelector("#key-entry summary")).click();
    browser.findElement(By.id("api-key")).sendKeys(ServerTest.ADMIN);
    browser.findElement(By.id("load")).click();
    new WebDriverWait(browser, Duration.ofSeconds(20)).until(b -> "true".equals(b.findElement(By.tagName("body")).getDomAttribute("data-loaded")));
    assertThat(text("status")).isEmpty();
  }
}
