package io.jouletrace.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code serve}'s settings from flags, JOULETRACE_* variables and the --config file (docs/deploy.md, "Configuration"). */
class ServeConfigurationTest {

  @TempDir
  Path dir;

  private record Run(int exitCode, String out, String err) {}

  /** The command line with {@code env} as its environment. */
  private static CommandLine cli(Map<String, String> env) {
    CommandLine cli = Main.commandLine();
    CommandLine serve = cli.getSubcommands().get("serve");
    serve.setDefaultValueProvider(new ServeConfiguration(serve.getCommandSpec(), env));
    return cli;
  }

  private static Run run(Map<String, String> env, String... args) {
    CommandLine cli = cli(env);
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    cli.setOut(new PrintWriter(out));
    cli.setErr(new PrintWriter(err));
    int exitCode = cli.execute(args);
    return new Run(exitCode, out.toString(), err.toString());
  }

  private Path file(String yaml) throws IOException {
    return Files.writeString(dir.resolve("serve.yaml"), yaml);
  }

  @Test
  void a_flag_wins_over_the_environment_which_wins_over_the_file_which_wins_over_the_default() throws IOException {
    Path config = file("""
        # serve's settings
        port: 7001
        default-intensity: 111
        upstream-timeout: 45
        metrics-top: 5
        """);
    Map<String, String> env = Map.of("JOULETRACE_DEFAULT_INTENSITY", "222", "JOULETRACE_METRICS_TOP", "7");

    ServeCommand serve = (ServeCommand) cli(env).parseArgs("serve", "--config", config.toString(), "--port", "7003")
        .subcommand().commandSpec().userObject();
    assertThat(serve.port).as("flag").isEqualTo(7003);
    assertThat(serve.figuring.deployment.defaultIntensity).as("env over file").isEqualTo(222.0);
    assertThat(serve.metricsTop).as("env over file").isEqualTo(7);
    assertThat(serve.upstreamTimeout).as("file over default").isEqualTo(45);
    assertThat(serve.recordQueue).as("default").isEqualTo(io.jouletrace.server.JouletraceServer.Recording.DEFAULT_QUEUE);

    Run printed = run(env, "serve", "--config", config.toString(), "--port", "7003", "--print-config");
    assertThat(printed.exitCode()).as(printed.err()).isZero();
    assertThat(printed.out()).containsPattern("(?m)^port +flag +7003$")
        .containsPattern("(?m)^default-intensity +env JOULETRACE_DEFAULT_INTENSITY +222.0$")
        .containsPattern("(?m)^metrics-top +env JOULETRACE_METRICS_TOP +7$")
        .containsPattern("(?m)^upstream-timeout +file " + java.util.regex.Pattern.quote(config + ":4") + " +45$")
        .containsPattern("(?m)^record-queue +default +" + io.jouletrace.server.JouletraceServer.Recording.DEFAULT_QUEUE + "$")
        .containsPattern("(?m)^config +flag +" + java.util.regex.Pattern.quote(config.toString()) + "$");
  }

  @Test
  void the_config_file_may_come_from_the_environment_and_every_option_has_a_variable() throws IOException {
    Path config = file("methodology: 0.9.2\nshutdown-grace: 90\ndemo: true\n");
    Run printed = run(Map.of("JOULETRACE_CONFIG", config.toString(), "JOULETRACE_STORE", "postgresql://db/ledger",
        "JOULETRACE_SHUTDOWN_GRACE", "12"), "serve", "--print-config");
    assertThat(printed.exitCode()).as(printed.err()).isZero();
    assertThat(printed.out()).containsPattern("(?m)^config +env JOULETRACE_CONFIG +")
        .containsPattern("(?m)^methodology +file " + java.util.regex.Pattern.quote(config + ":1") + " +0.9.2$")
        .containsPattern("(?m)^demo +file " + java.util.regex.Pattern.quote(config + ":3") + " +true$")
        .containsPattern("(?m)^shutdown-grace +env JOULETRACE_SHUTDOWN_GRACE +12$")
        .containsPattern("(?m)^store +env JOULETRACE_STORE +postgresql://db/ledger$");
  }

  @Test
  void print_config_masks_the_store_password_and_every_key() throws IOException {
    Path config = file("store: postgresql://jt:s3cret-db@db:5432/ledger?sslmode=require&password=s3cret-param\nupstream-key-env: OPENAI_KEY\n");
    Run printed = run(Map.of("JOULETRACE_ADMIN_KEY", "admin-s3cret-0123456789abcdef", "JOULETRACE_LEDGER_KEY", "ledger-s3cret",
        "OPENAI_KEY", "sk-s3cret"), "serve", "--config", config.toString(), "--print-config");
    assertThat(printed.exitCode()).as(printed.err()).isZero();
    assertThat(printed.out()).doesNotContain("s3cret")
        .containsPattern("(?m)^store +file .* +postgresql://jt:\\*\\*\\*\\*@db:5432/ledger\\?sslmode=require&password=\\*\\*\\*\\*$")
        .containsPattern("(?m)^admin-key +env JOULETRACE_ADMIN_KEY +\\*\\*\\*\\*$")
        .containsPattern("(?m)^ledger-key +env JOULETRACE_LEDGER_KEY +\\*\\*\\*\\*$")
        .containsPattern("(?m)^upstream-key +env OPENAI_KEY +\\*\\*\\*\\*$");
  }

  @Test
  void a_bad_key_or_value_in_the_file_is_refused_with_its_file_line_and_key() throws IOException {
    Path unknown = file("port: 8080\n\nprot: 8081\n");
    Run refused = run(Map.of(), "serve", "--config", unknown.toString(), "--print-config");
    assertThat(refused.exitCode()).isEqualTo(CommandLine.ExitCode.USAGE);
    assertThat(refused.err()).contains(unknown + ":3: unknown key 'prot'");

    Path badValue = file("host: 0.0.0.0\nport: eighty\n");
    refused = run(Map.of(), "serve", "--config", badValue.toString(), "--print-config");
    assertThat(refused.exitCode()).isEqualTo(CommandLine.ExitCode.USAGE);
    assertThat(refused.err()).contains(badValue + ":2: key 'port': ").contains("'eighty'");

    Path list = file("upstream:\n  - http://a\n");
    refused = run(Map.of(), "serve", "--config", list.toString(), "--print-config");
    assertThat(refused.err()).contains(list + ":1: key 'upstream': expected one value, got a list or map");

    refused = run(Map.of("JOULETRACE_RECORD_OVERFLOW", "drop"), "serve", "--print-config");
    assertThat(refused.exitCode()).isEqualTo(CommandLine.ExitCode.USAGE);
    assertThat(refused.err()).contains("environment variable JOULETRACE_RECORD_OVERFLOW: ").contains("drop");
  }
}
