package io.jouletrace.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code serve} prints a one-time dashboard sign-in link; opening it gives a session cookie the API accepts. */
class ServeSignInLinkTest {

  @TempDir
  Path dir;

  @Test
  void serve_prints_a_sign_in_link_whose_cookie_signs_the_api_in() throws Exception {
    CommandLine cli = Main.commandLine();
    StringWriter out = new StringWriter();
    cli.setOut(new PrintWriter(out));
    ServeCommand serve = (ServeCommand) cli.parseArgs("serve", "--data", dir.resolve("data").toString(), "--port", "0")
        .subcommand().commandSpec().userObject();
    try (ServeCommand.Serving serving = serve.start()) {
      Matcher link = Pattern.compile("dashboard sign-in link \\(admin; once, within 10 minutes\\): (http://\\S+/signin\\?token=[0-9a-f]{64})")
          .matcher(out.toString());
      assertThat(link.find()).as(out.toString()).isTrue();
      HttpClient http = HttpClient.newHttpClient();
      HttpResponse<String> signedIn = http.send(HttpRequest.newBuilder(URI.create(link.group(1))).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(signedIn.statusCode()).isEqualTo(303);
      String cookie = signedIn.headers().firstValue("Set-Cookie").orElseThrow();
      HttpResponse<String> summary = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + serving.server().port()
          + "/api/energy/summary")).header("Cookie", cookie.substring(0, cookie.indexOf(';'))).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(summary.statusCode()).as(summary.body()).isEqualTo(200);
    }
  }
}
