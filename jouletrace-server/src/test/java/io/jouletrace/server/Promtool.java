package io.jouletrace.server;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/** Prometheus' {@code promtool check metrics} (Debian's {@code prometheus} package; scripts/test.sh installs it). */
final class Promtool {

  private Promtool() {}

  /**
   * What {@code promtool check metrics} finds wrong in an exposition: empty when it is clean. Skips the calling test
   * only where promtool is not installed.
   */
  static String check(String exposition) throws IOException, InterruptedException {
    assumeTrue(installed(), "promtool is not installed (apt-get install prometheus)");
    Process promtool = new ProcessBuilder("promtool", "check", "metrics").redirectErrorStream(true).start();
    try (var in = promtool.getOutputStream()) {
      in.write(exposition.getBytes(StandardCharsets.UTF_8));
    }
    String problems = new String(promtool.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
    int status = promtool.waitFor();
    return status == 0 && problems.isEmpty() ? "" : "exit " + status + ": " + problems;
  }

  private static boolean installed() {
    return Stream.of(System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator))
        .anyMatch(dir -> Files.isExecutable(Path.of(dir, "promtool")));
  }
}
