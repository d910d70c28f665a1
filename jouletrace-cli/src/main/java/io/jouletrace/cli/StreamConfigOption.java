package io.jouletrace.cli;

import io.jouletrace.stream.StreamConfig;
import java.io.IOException;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** {@code --config FILE} of the stream commands: topic names and the application id (docs/scale-out.md). */
final class StreamConfigOption {

  @Option(names = "--config", paramLabel = "FILE",
      description = "Properties file: topic.NAME=TOPIC for any of invocations, figured, rejected, late, aggregates, heads, meters, spans, "
          + "measured, roots; application.id=ID (docs/scale-out.md).")
  Path file;

  StreamConfig load() throws IOException {
    return file == null ? StreamConfig.defaults() : StreamConfig.load(file);
  }
}
