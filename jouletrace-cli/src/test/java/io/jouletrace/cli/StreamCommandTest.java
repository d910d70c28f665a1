package io.jouletrace.cli;

import static io.jouletrace.cli.EstimateCommandTest.jouletrace;
import static org.assertj.core.api.Assertions.assertThat;

import io.jouletrace.cli.EstimateCommandTest.Run;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code jouletrace stream … --config FILE}: a bad file is one line naming it, before any broker is contacted. */
class StreamCommandTest {

  @TempDir
  Path dir;

  @Test
  void a_config_file_with_an_unknown_topic_stops_run_sink_and_verify_with_the_file_and_key_named() throws IOException {
    Path config = Files.writeString(dir.resolve("stream.properties"), "topic.invocation=calls\n");
    String expected = config + ": topic.invocation: no such topic";
    // Port 1: nothing listens there; the file is read before any broker is contacted.
    String bootstrap = "127.0.0.1:1";
    String data = dir.resolve("data").toString();
    for (String[] args : new String[][] {{"stream", "run", "--bootstrap", bootstrap, "--config", config.toString()},
        {"stream", "verify", "--bootstrap", bootstrap, "--config", config.toString()},
        {"verify", "--bootstrap", bootstrap, "--config", config.toString()},
        {"stream", "sink", "--bootstrap", bootstrap, "--data", data, "--config", config.toString()}}) {
      Run run = jouletrace(args);
      assertThat(run.exitCode()).as(String.join(" ", args)).isEqualTo(1);
      assertThat(run.err()).as(String.join(" ", args)).contains(expected);
    }
  }

  @Test
  void a_ledger_key_file_that_cannot_be_read_stops_run_and_verify_with_the_file_named() {
    String missing = dir.resolve("no-such-key").toString();
    String bootstrap = "127.0.0.1:1";
    for (String[] args : new String[][] {{"stream", "run", "--bootstrap", bootstrap, "--ledger-key-file", missing},
        {"stream", "verify", "--bootstrap", bootstrap, "--ledger-key-file", missing},
        {"verify", "--bootstrap", bootstrap, "--ledger-key-file", missing}}) {
      Run run = jouletrace(args);
      assertThat(run.exitCode()).as(String.join(" ", args)).isEqualTo(1);
      assertThat(run.err()).as(String.join(" ", args)).contains("--ledger-key-file: cannot read " + missing);
    }
  }
}
