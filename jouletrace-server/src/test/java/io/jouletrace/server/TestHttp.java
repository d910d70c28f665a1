package io.jouletrace.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;

/** Plain HTTP requests to a server on loopback, with an API key and a JSON body where given. */
record TestHttp(int port) {

  static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  record Reply(int status, String body, HttpHeaders headers) {
    JsonNode json() throws IOException {
      return JSON.readTree(body);
    }
  }

  /** {@code headers} are name, value pairs. */
  Reply send(String method, String path, String key, String json, String... headers) throws IOException, InterruptedException {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
        .method(method, json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json));
    if (key != null) request.header("Authorization", "Bearer " + key);
    if (json != null) request.header("Content-Type", "application/json");
    for (int i = 0; i < headers.length; i += 2) request.header(headers[i], headers[i + 1]);
    HttpResponse<String> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    return new Reply(response.statusCode(), response.body(), response.headers());
  }

  Reply get(String path, String key) throws IOException, InterruptedException {
    return send("GET", path, key, null);
  }
}
