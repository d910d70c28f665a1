package io.jouletrace.cli;

import java.io.BufferedReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A {@code serve} started as a process of its own (the shaded jar, the container image): how it answers {@code /health}. */
public final class ServeProcess {

  private static final Pattern SERVING = Pattern.compile("jouletrace serving .* at http://[^:]+:(\\d+)/");

  private ServeProcess() {}

  /**
   * Reads the process's output up to the line naming its port, asks {@code /health} on the loopback address, and stops
   * the process.
   *
   * @return the answer, or {@code null} when the process ended without naming its port
   */
  public static HttpResponse<String> health(Process serve) throws Exception {
    try (BufferedReader out = serve.inputReader(StandardCharsets.UTF_8); HttpClient http = HttpClient.newHttpClient()) {
      for (String line; (line = out.readLine()) != null; ) {
        Matcher serving = SERVING.matcher(line);
        if (serving.find()) {
          URI health = URI.create("http://127.0.0.1:" + serving.group(1) + "/health");
          return http.send(HttpRequest.newBuilder(health).build(), HttpResponse.BodyHandlers.ofString());
        }
      }
      return null;
    } finally {
      serve.destroy();
      serve.waitFor(30, TimeUnit.SECONDS);
    }
  }
}
