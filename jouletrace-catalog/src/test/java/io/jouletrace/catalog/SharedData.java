package io.jouletrace.catalog;

import java.nio.file.Files;
import java.nio.file.Path;

/** The reference material beside the project root ({@code ../shared}), which tests compare against. */
final class SharedData {

  private SharedData() {}

  static Path path(String relative) {
    String configured = System.getProperty("jouletrace.shared");
    Path root = configured != null ? Path.of(configured) : Path.of("..", "..", "shared");
    Path file = root.resolve(relative);
    if (!Files.exists(file)) {
      throw new IllegalStateException("reference file " + file.toAbsolutePath() + " is missing; tests need ../shared beside the project");
    }
    return file;
  }
}
