package io.jouletrace.catalog;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The reference material beside the project root ({@code ../shared}), which tests compare against: the one resolver of it
 * (surefire sets {@code jouletrace.shared}; the CLI's tests use it through this module's test jar).
 */
public final class SharedData {

  private SharedData() {}

  public static Path path(String relative) {
    String configured = System.getProperty("jouletrace.shared");
    Path root = configured != null ? Path.of(configured) : Path.of("..", "..", "shared");
    Path file = root.resolve(relative);
    if (!Files.exists(file)) {
      throw new IllegalStateException("reference file " + file.toAbsolutePath() + " is missing; tests need ../shared beside the project");
    }
    return file;
  }
}
