package io.jouletrace.stream;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;

/**
 * A one-node Kafka (KRaft, broker and controller in one) in a child JVM started from the test classpath: storage
 * formatted with {@code kafka.tools.StorageTool}, then {@code kafka.Kafka}; ready when {@code describeCluster} answers.
 */
public final class ForkedKraft implements AutoCloseable {

  private final Process broker;
  private final String bootstrap;
  private final Path log;

  private ForkedKraft(Process broker, String bootstrap, Path log) {
    this.broker = broker;
    this.bootstrap = bootstrap;
    this.log = log;
  }

  /** The broker log's last lines, for a failure message. */
  public String logTail() throws IOException {
    return tail(log, 40);
  }

  public static ForkedKraft start(Path dir) throws Exception {
    int brokerPort = freePort();
    int controllerPort = freePort();
    Path properties = dir.resolve("server.properties");
    Files.writeString(properties, String.join("\n",
        "process.roles=broker,controller", "node.id=1", "controller.quorum.bootstrap.servers=127.0.0.1:" + controllerPort,
        "listeners=PLAINTEXT://127.0.0.1:" + brokerPort + ",CONTROLLER://127.0.0.1:" + controllerPort,
        "advertised.listeners=PLAINTEXT://127.0.0.1:" + brokerPort, "controller.listener.names=CONTROLLER",
        "listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT", "log.dirs=" + dir.resolve("logs"),
        "offsets.topic.replication.factor=1", "transaction.state.log.replication.factor=1", "transaction.state.log.min.isr=1",
        "group.initial.rebalance.delay.ms=0", "num.partitions=4", "share.coordinator.state.topic.replication.factor=1",
        "share.coordinator.state.topic.min.isr=1") + "\n");
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    String classpath = classpath();
    Process format = new ProcessBuilder(java, "-cp", classpath, "kafka.tools.StorageTool", "format", "--standalone", "-t",
        UUID.randomUUID().toString().replace("-", "").substring(0, 22), "-c", properties.toString())
        .redirectErrorStream(true).redirectOutput(dir.resolve("format.log").toFile()).start();
    if (format.waitFor() != 0) throw new IllegalStateException("formatting KRaft storage failed: " + Files.readString(dir.resolve("format.log")));
    Process broker = new ProcessBuilder(java, "-Xmx768m", "-cp", classpath, "kafka.Kafka", properties.toString())
        .redirectErrorStream(true).redirectOutput(dir.resolve("broker.log").toFile()).start();
    ForkedKraft kraft = new ForkedKraft(broker, "127.0.0.1:" + brokerPort, dir.resolve("broker.log"));
    kraft.awaitReady(dir, Duration.ofSeconds(60));
    return kraft;
  }

  /** The test classpath (surefire's property names every entry; java.class.path may be its manifest-only jar). */
  static String classpath() {
    return System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
  }

  public String bootstrap() {
    return bootstrap;
  }

  private void awaitReady(Path dir, Duration timeout) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
        AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 2000, AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 2000))) {
      while (System.nanoTime() < deadline) {
        if (!broker.isAlive()) throw new IllegalStateException("the broker exited: " + tail(dir.resolve("broker.log"), 40));
        try {
          admin.describeCluster().nodes().get();
          return;
        } catch (Exception notYet) {
          Thread.sleep(250);
        }
      }
    }
    throw new IllegalStateException("the broker did not answer within " + timeout + ": " + tail(dir.resolve("broker.log"), 40));
  }

  /** The last {@code count} lines of a child process's log. */
  static String tail(Path log, int count) throws IOException {
    List<String> lines = Files.readAllLines(log);
    return String.join("\n", lines.subList(Math.max(0, lines.size() - count), lines.size()));
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  @Override
  public void close() {
    broker.destroyForcibly();
  }
}
