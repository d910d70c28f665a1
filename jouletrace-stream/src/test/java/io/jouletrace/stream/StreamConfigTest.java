package io.jouletrace.stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The {@code --config} properties file of the stream commands. */
class StreamConfigTest {

  @TempDir
  Path dir;

  @Test
  void a_config_file_renames_topics_and_sets_the_application_id_and_the_rest_keep_their_defaults() throws IOException {
    Path file = Files.writeString(dir.resolve("stream.properties"),
        "# prod\ntopic.invocations = prod.calls\ntopic.late=prod.late\ntopic.roots=prod.roots\napplication.id=jt-prod\n");
    StreamConfig config = StreamConfig.load(file);
    assertThat(config.applicationId()).isEqualTo("jt-prod");
    assertThat(config.topics().invocations()).isEqualTo("prod.calls");
    assertThat(config.topics().late()).isEqualTo("prod.late");
    assertThat(config.topics().roots()).isEqualTo("prod.roots");
    assertThat(config.topics().figured()).isEqualTo(Topics.defaults().figured());
    assertThat(config.topics().all()).hasSize(10).contains("prod.calls", "prod.late", "prod.roots").doesNotContain(Topics.defaults().invocations());
  }

  @Test
  void an_unknown_topic_or_key_or_an_empty_name_is_an_error_naming_the_file_and_the_key() throws IOException {
    Path typo = Files.writeString(dir.resolve("typo.properties"), "topic.invocation=x\n");
    assertThatThrownBy(() -> StreamConfig.load(typo)).hasMessageStartingWith(typo + ": topic.invocation: no such topic")
        .hasMessageContaining("invocations, figured");
    Path unknown = Files.writeString(dir.resolve("unknown.properties"), "bootstrap=localhost:9092\n");
    assertThatThrownBy(() -> StreamConfig.load(unknown)).hasMessage(unknown + ": unknown key 'bootstrap' (expected topic.NAME or application.id)");
    Path empty = Files.writeString(dir.resolve("empty.properties"), "topic.figured=\n");
    assertThatThrownBy(() -> StreamConfig.load(empty)).hasMessage(empty + ": topic.figured: empty topic name");
  }
}
