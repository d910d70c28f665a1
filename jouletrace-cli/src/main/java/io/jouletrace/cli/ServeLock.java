package io.jouletrace.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * The file {@code serve} keeps in the embedded ledger's data directory while it holds the ledger (DuckDB lets one process
 * open it): which server holds it and where it answers, so another command can go through its API instead. Removed when
 * {@code serve} stops; a file left by one that died (its pid gone, or its URL not answering /health) is ignored.
 */
final class ServeLock implements AutoCloseable {

  static final String FILE_NAME = "serve.lock";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration HEALTH_TIMEOUT = Duration.ofSeconds(3);

  /** The running server named by a lock file: its base URL, pid and the largest request body it accepts. */
  record Holder(Path data, URI url, long pid, long maxBody) {}

  private final Path file;

  private ServeLock(Path file) {
    this.file = file;
  }

  /** Writes the lock file for a server of this process answering at {@code url}. */
  static ServeLock write(Path data, URI url, long maxBody) {
    Path file = data.resolve(FILE_NAME);
    try {
      Files.writeString(file, JSON.createObjectNode().put("url", url.toString()).put("pid", ProcessHandle.current().pid())
          .put("max_body", maxBody).put("started_at", Instant.now().toString()).toString() + "\n");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file, e);
    }
    return new ServeLock(file);
  }

  @Override
  public void close() {
    try {
      Files.deleteIfExists(file);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot remove " + file, e);
    }
  }

  /** The server holding the ledger under {@code data}; empty when no lock file names a live one. */
  static Optional<Holder> find(Path data) {
    Path file = data.resolve(FILE_NAME);
    if (!Files.isRegularFile(file)) return Optional.empty();
    Holder holder;
    try {
      JsonNode lock = JSON.readTree(file.toFile());
      holder = new Holder(data, URI.create(lock.path("url").asText()), lock.path("pid").asLong(), lock.path("max_body").asLong());
    } catch (IOException | IllegalArgumentException e) {
      return Optional.empty(); // half-written or not ours: no server to go through
    }
    boolean alive = ProcessHandle.of(holder.pid()).map(ProcessHandle::isAlive).orElse(false);
    return alive && answers(holder.url()) ? Optional.of(holder) : Optional.empty();
  }

  /** Whether a server answers /health at {@code url} (a 503 "cannot write" still holds the ledger). */
  private static boolean answers(URI url) {
    try (HttpClient client = HttpClient.newBuilder().connectTimeout(HEALTH_TIMEOUT).build()) {
      client.send(HttpRequest.newBuilder(url.resolve("/health")).timeout(HEALTH_TIMEOUT).build(), HttpResponse.BodyHandlers.discarding());
      return true;
    } catch (IOException | IllegalArgumentException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }
}
