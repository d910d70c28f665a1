package io.jouletrace.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.security.auth.module.UnixSystem;
import io.jouletrace.cli.ServeProcess;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The OCI archive {@code package} built: its configuration (entrypoint, non-root user, port, environment), and its file
 * system, unpacked layer by layer, running {@code jouletrace --version} and {@code serve} the way a container runtime
 * would: the configured entrypoint, user and environment, the image's own runtime and libraries.
 */
class ImageIT {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Path ARCHIVE = Path.of(System.getProperty("jouletrace.image.tar", "target/jouletrace-image.tar"));

  @TempDir
  static Path dir;
  static JsonNode config;
  static Path rootfs;

  @BeforeAll
  static void unpack() throws Exception {
    System.out.printf("%s: %.1f MB%n", ARCHIVE, Files.size(ARCHIVE) / 1e6);
    Path layout = Files.createDirectories(dir.resolve("oci"));
    run(List.of("tar", "-xf", ARCHIVE.toAbsolutePath().toString(), "-C", layout.toString()));
    assertThat(layout.resolve("oci-layout")).exists();
    JsonNode manifest = blob(layout, JSON.readTree(layout.resolve("index.json").toFile()).path("manifests").path(0).path("digest").asText());
    config = blob(layout, manifest.path("config").path("digest").asText()).path("config");
    rootfs = Files.createDirectories(dir.resolve("rootfs"));
    for (JsonNode layer : manifest.path("layers")) {
      run(List.of("tar", "-xzf", blobPath(layout, layer.path("digest").asText()).toString(), "-C", rootfs.toString()));
    }
  }

  @Test
  void runsTheCliAsANonRootUserAndServesOnPort8080() {
    assertThat(config.path("Entrypoint").get(0).asText()).isEqualTo("/opt/java/bin/java");
    assertThat(config.path("Entrypoint").toString()).contains("\"-jar\",\"/opt/jouletrace/jouletrace.jar\"");
    assertThat(strings(config.path("Cmd"))).containsExactly("serve", "--host", "0.0.0.0");
    assertThat(config.path("User").asText()).isEqualTo("65532:65532");
    assertThat(config.path("ExposedPorts").has("8080/tcp")).isTrue();
    assertThat(strings(config.path("Env"))).contains("JOULETRACE_DATA=/var/lib/jouletrace/data");
  }

  @Test
  void itsRuntimeStartsJouletrace() throws Exception {
    Process version = start(List.of("--version"));
    String output = new String(version.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(version.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(version.exitValue()).as(output).isZero();
    assertThat(output.strip()).isEqualTo("jouletrace 0.1.0");
  }

  @Test
  void servesItsLedgerFromTheWritableDataDirectory() throws Exception {
    List<String> serve = new ArrayList<>(strings(config.path("Cmd")));
    serve.addAll(List.of("--port", "0"));
    HttpResponse<String> health = ServeProcess.health(start(serve));
    assertThat(health).as("serve named its port").isNotNull();
    assertThat(health.statusCode()).as(health.body()).isEqualTo(200);
    assertThat(rootfs.resolve("var/lib/jouletrace/data/ledger.duckdb")).exists();
  }

  /**
   * The image's entrypoint with {@code args} as a container runtime starts it: inside the unpacked file system (chroot,
   * which needs root: CI runs as root) with its own /proc (the JVM's launcher finds its libraries through
   * /proc/self/exe), as the configured user, with the image's environment alone.
   */
  private static Process start(List<String> args) throws IOException {
    assumeTrue(new UnixSystem().getUid() == 0, "chroot into the image needs root");
    List<String> command = new ArrayList<>(List.of("unshare", "--mount", "--pid", "--fork", "--kill-child",
        "--mount-proc=" + rootfs.resolve("proc"), executable("chroot"), "--userspec=" + config.path("User").asText(), rootfs.toString()));
    command.addAll(strings(config.path("Entrypoint")));
    command.addAll(args);
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.environment().clear();
    for (String variable : strings(config.path("Env"))) {
      int equals = variable.indexOf('=');
      builder.environment().put(variable.substring(0, equals), variable.substring(equals + 1));
    }
    return builder.start();
  }

  /** A host command's path: unshare runs it with the image's PATH, which holds only the Java runtime. */
  private static String executable(String name) {
    return Stream.concat(Stream.of(System.getenv("PATH").split(":")), Stream.of("/usr/sbin", "/sbin")).map(dir -> Path.of(dir, name))
        .filter(Files::isExecutable).findFirst().orElseThrow().toString();
  }

  private static List<String> strings(JsonNode array) {
    List<String> values = new ArrayList<>();
    array.forEach(value -> values.add(value.asText()));
    return values;
  }

  private static Path blobPath(Path layout, String digest) {
    return layout.resolve("blobs").resolve(digest.replace(':', '/'));
  }

  private static JsonNode blob(Path layout, String digest) throws IOException {
    return JSON.readTree(blobPath(layout, digest).toFile());
  }

  private static void run(List<String> command) throws Exception {
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor()).as(String.join(" ", command) + ": " + output).isZero();
  }
}
