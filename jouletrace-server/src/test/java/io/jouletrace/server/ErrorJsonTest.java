package io.jouletrace.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Every error is the documented JSON, also those Jetty answers before Javalin routes anything. */
class ErrorJsonTest extends RunningServerTest {

  private static void assertErrorJson(TestHttp.Reply reply, int status) throws IOException {
    assertThat(reply.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("application/json"));
    JsonNode error = reply.json().get("error");
    assertThat(error.get("status").asInt()).as(reply.body()).isEqualTo(status);
    assertThat(error.get("message").asText()).isNotBlank();
  }

  @Test
  void unknown_routes_answer_404_in_the_error_shape() throws Exception {
    for (String path : new String[] {"/api/nope", "/v1/nope", "/nope"}) {
      TestHttp.Reply reply = http.get(path, ServerTest.ADMIN);
      assertThat(reply.status()).as(path).isEqualTo(404);
      assertErrorJson(reply, 404);
    }
    TestHttp.Reply wrongMethod = http.send("DELETE", "/api/energy/summary", ServerTest.ADMIN, null);
    assertThat(wrongMethod.status()).isEqualTo(404);
    assertErrorJson(wrongMethod, 404);
  }

  @Test
  void undecodable_and_over_long_uris_answer_in_the_error_shape() throws Exception {
    for (String path : new String[] {"/api/invocations/%00", "/api/invocations/%zz", "/api/invocations/%"}) {
      Raw reply = raw("GET " + path + " HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer " + ServerTest.ADMIN + "\r\nConnection: close\r\n\r\n");
      assertThat(reply.status()).as(path).isEqualTo(400);
      assertThat(reply.head()).containsIgnoringCase("content-type: application/json");
      assertThat(TestHttp.JSON.readTree(reply.body()).get("error").get("status").asInt()).isEqualTo(400);
    }
    TestHttp.Reply longUri = http.get("/api/invocations/" + "x".repeat(20_000), ServerTest.ADMIN);
    assertThat(longUri.status()).isIn(414, 431);
    assertErrorJson(longUri, longUri.status());
  }

  record Raw(int status, String head, String body) {}

  /** A request written as is: the JDK client refuses to send a malformed URI. */
  private Raw raw(String request) throws IOException {
    try (Socket socket = new Socket("127.0.0.1", server.port())) {
      OutputStream out = socket.getOutputStream();
      out.write(request.getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
      InputStream in = socket.getInputStream();
      String response = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      int split = response.indexOf("\r\n\r\n");
      String body = response.substring(split + 4);
      // The body may come chunked: the JSON is between its first '{' and last '}'.
      return new Raw(Integer.parseInt(response.substring(9, 12)), response.substring(0, split),
          body.substring(Math.max(0, body.indexOf('{')), body.lastIndexOf('}') + 1));
    }
  }
}
