package io.jouletrace.cli;

import static io.jouletrace.cli.EstimateCommandTest.jouletrace;
import static org.assertj.core.api.Assertions.assertThat;

import io.jouletrace.cli.EstimateCommandTest.Run;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the console examples of docs/measured.md and the README's `signals ingest` line on the files in docs/samples, so
 * the figures the docs quote cannot go stale.
 */
class MeasuredDocTest {

  private static final Path ROOT = Path.of("..");
  private static final Pattern CONSOLE = Pattern.compile("```console\n(.*?)```", Pattern.DOTALL);
  /** Commands that open the ledger: they run on a fresh one per example. */
  private static final List<String> LEDGER_COMMANDS = List.of("signals", "--ingest");

  @TempDir
  Path dir;

  /** One {@code $ ./jouletrace …} line of a console block and the output printed under it. */
  record Example(List<String> args, String output) {}

  @Test
  void every_console_example_of_measured_md_prints_what_the_doc_shows() throws IOException {
    List<Example> examples = examples(Files.readString(ROOT.resolve("docs/measured.md")));
    assertThat(examples).extracting(e -> e.args().getFirst()).contains("attribute", "signals");
    assertThat(examples).anySatisfy(e -> assertThat(e.args()).contains("docs/samples/emissions.csv"));
    int n = 0;
    for (Example example : examples) {
      List<String> args = new ArrayList<>(example.args().stream().map(a -> a.startsWith("docs/") ? ROOT.resolve(a).toString() : a).toList());
      if (args.stream().anyMatch(LEDGER_COMMANDS::contains)) args.addAll(List.of("--data", dir.resolve("data-" + n++).toString()));
      Run run = jouletrace(args.toArray(String[]::new));
      assertThat(run.exitCode()).as(String.join(" ", example.args()) + "\n" + run.err()).isZero();
      assertThat(run.out().strip()).as(String.join(" ", example.args())).isEqualTo(example.output());
    }
  }

  @Test
  void the_readme_signals_example_ingests_real_sample_files() throws IOException {
    Matcher line = Pattern.compile("(?m)^\\./jouletrace (signals ingest [^#\n]*)").matcher(Files.readString(ROOT.resolve("README.md")));
    assertThat(line.find()).as("README shows `./jouletrace signals ingest …`").isTrue();
    List<String> args = new ArrayList<>();
    for (String arg : line.group(1).strip().split("\\s+")) args.add(arg.startsWith("docs/") ? ROOT.resolve(arg).toString() : arg);
    assertThat(args).hasSizeGreaterThan(2);
    args.addAll(List.of("--data", dir.resolve("data").toString()));
    Run run = jouletrace(args.toArray(String[]::new));
    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(run.out()).contains("intensity FRA: 3 points stored").contains("pue paris-1: 3 points stored");
  }

  private static List<Example> examples(String doc) {
    List<Example> examples = new ArrayList<>();
    Matcher block = CONSOLE.matcher(doc);
    while (block.find()) {
      List<String> args = null;
      StringBuilder output = new StringBuilder();
      for (String line : block.group(1).split("\n")) {
        if (line.startsWith("$ ./jouletrace ")) {
          if (args != null) examples.add(new Example(args, output.toString().strip()));
          args = Arrays.asList(line.substring("$ ./jouletrace ".length()).strip().split("\\s+"));
          output.setLength(0);
        } else if (args != null) {
          output.append(line).append('\n');
        }
      }
      if (args != null) examples.add(new Example(args, output.toString().strip()));
    }
    return examples;
  }
}
