package io.jouletrace.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import io.jouletrace.core.methodology.Estimate;
import io.jouletrace.core.record.InvocationRecord;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The README's "Use it as a library" snippet: this class holds its lines verbatim (between the markers), so the snippet
 * compiles against the library, runs, and cannot drift from the README unnoticed.
 */
class LibraryUseTest {

  private static final Path README = Path.of("..", "README.md");
  private static final Path THIS_SOURCE = Path.of("src", "test", "java", "io", "jouletrace", "catalog", "LibraryUseTest.java");

  private static void readmeSnippet() {
    // README:begin
    var estimator = Catalog.estimator();                  // the bundled data, read once: keep and reuse it
    var call = InvocationRecord.builder("mistralai", "open-mistral-7b", 100).inputTokens(400L).build();
    Estimate estimate = estimator.estimate(call);         // energy, carbon, embodied carbon, water: each known or why not
    System.out.println(estimate.energy());                // a Figure: joules with tier, band, range and method
    System.out.println(EcoBlock.of(call, estimate));      // the eco block `jouletrace estimate --json` prints
    // README:end
  }

  @Test
  void theSnippetFiguresOneCall() {
    PrintStream console = System.out;
    ByteArrayOutputStream printed = new ByteArrayOutputStream();
    System.setOut(new PrintStream(printed, true, StandardCharsets.UTF_8));
    try {
      readmeSnippet();
    } finally {
      System.setOut(console);
    }
    String[] lines = printed.toString(StandardCharsets.UTF_8).split("\n");
    assertThat(lines).hasSize(2);
    assertThat(lines[0]).startsWith("Known[quantity=ENERGY");
    assertThat(lines[1]).startsWith("{\"methodology_version\":\"ecologits-0.9.3\"").contains("\"resolved\":\"open-mistral-7b\"");
  }

  @Test
  void theReadmeShowsTheSnippetVerbatim() throws IOException {
    List<String> snippet = between(Files.readString(THIS_SOURCE), "// README:begin\n", "    // README:end").lines()
        .map(line -> line.substring(4)).toList();
    Matcher section = Pattern.compile("## Use it as a library\n(.*?)\n## ", Pattern.DOTALL).matcher(Files.readString(README));
    assertThat(section.find()).as("README has a section '## Use it as a library'").isTrue();
    assertThat(section.group(1)).contains("<groupId>io.jouletrace</groupId>", "<artifactId>jouletrace-catalog</artifactId>");
    Matcher code = Pattern.compile("```java\n(.*?)```", Pattern.DOTALL).matcher(section.group(1));
    assertThat(code.find()).as("the section shows java").isTrue();
    assertThat(code.group(1).lines().toList()).containsSequence(snippet)
        .contains("import io.jouletrace.catalog.Catalog;", "import io.jouletrace.catalog.EcoBlock;",
            "import io.jouletrace.core.methodology.Estimate;", "import io.jouletrace.core.record.InvocationRecord;");
  }

  private static String between(String text, String begin, String end) {
    int from = text.indexOf(begin) + begin.length();
    return text.substring(from, text.indexOf(end, from));
  }
}
