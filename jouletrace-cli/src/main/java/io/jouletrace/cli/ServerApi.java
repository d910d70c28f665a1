package io.jouletrace.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.stream.Collectors;

/** The API of the {@code serve} that holds the embedded ledger, with the admin key: how ledger commands run beside it. */
final class ServerApi {

  private static final ObjectMapper JSON = new ObjectMapper();

  /** An answer outside 2xx, with the server's error message. */
  static final class Refused extends RuntimeException {
    final int status;

    Refused(int status, String message) {
      super(message);
      this.status = status;
    }
  }

  private final ServeLock.Holder holder;
  private final String adminKey;
  private final HttpClient client = HttpClient.newHttpClient();

  ServerApi(ServeLock.Holder holder, String adminKey) {
    this.holder = holder;
    this.adminKey = adminKey;
  }

  /** The largest request body the server accepts. */
  long maxBody() {
    return holder.maxBody();
  }

  JsonNode get(String path, Map<String, String> query) {
    return json(send("GET", path + queryString(query), null));
  }

  String getText(String path, Map<String, String> query) {
    return send("GET", path + queryString(query), null);
  }

  JsonNode post(String path, String body) {
    return json(send("POST", path, body));
  }

  JsonNode delete(String path) {
    return json(send("DELETE", path, null));
  }

  private String send(String method, String pathAndQuery, String body) {
    URI uri = holder.url().resolve(pathAndQuery);
    HttpRequest.Builder request = HttpRequest.newBuilder(uri).header("Authorization", "Bearer " + adminKey)
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    if (body != null) request.header("Content-Type", "application/json");
    HttpResponse<String> response;
    try {
      response = client.send(request.build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new UncheckedIOException("the server at " + holder.url() + " did not answer " + method + " " + uri.getPath(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for " + uri, e);
    }
    if (response.statusCode() / 100 != 2) {
      throw new Refused(response.statusCode(), "the server at " + holder.url() + " answered " + method + " " + uri.getPath() + " with "
          + response.statusCode() + ": " + errorMessage(response.body()));
    }
    return response.body();
  }

  private static String errorMessage(String body) {
    try {
      JsonNode message = JSON.readTree(body).path("error").path("message"); // the documented {"error":{"status","message"}}
      return message.isTextual() ? message.asText() : body;
    } catch (IOException e) {
      return body;
    }
  }

  private static JsonNode json(String body) {
    try {
      return JSON.readTree(body);
    } catch (IOException e) {
      throw new UncheckedIOException("the server answered no JSON: " + body, e);
    }
  }

  private static String queryString(Map<String, String> query) {
    if (query.isEmpty()) return "";
    return query.entrySet().stream().map(e -> encode(e.getKey()) + "=" + encode(e.getValue())).collect(Collectors.joining("&", "?", ""));
  }

  private static String encode(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8);
  }
}
