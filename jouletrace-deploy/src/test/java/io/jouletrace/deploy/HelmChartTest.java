package io.jouletrace.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.google.gson.JsonParser;
import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import com.marcnuri.helm.TemplateCommand;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * deploy/helm/jouletrace through Helm itself (helm-java runs Helm's own Go code in-process): it lints, it renders, and
 * every rendered object passes the Kubernetes API's schema (the official Java client's models, generated from the API's
 * OpenAPI document, refuse a missing required field and a field the API does not define).
 */
class HelmChartTest {

  private static final Path CHART = Path.of("..", "deploy", "helm", "jouletrace");
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void lints() {
    LintResult lint = new Helm(CHART).lint().strict().call();
    assertThat(lint.isFailed()).as(String.join("\n", lint.getMessages())).isFalse();
  }

  @Test
  void rendersReplicasOnAPostgresLedgerWithKeysFromASecretAndTheHealthProbes() throws Exception {
    Map<String, JsonNode> objects = render(new Helm(CHART).template().withName("jt")
        .set("replicaCount", 3).set("store.secretName", "jouletrace-store").set("defaultIntensity", "350"));
    assertThat(objects).containsOnlyKeys("Deployment", "Service");
    JsonNode deployment = objects.get("Deployment");
    assertThat(deployment.at("/spec/replicas").asInt()).isEqualTo(3);
    JsonNode pod = deployment.at("/spec/template/spec");
    assertThat(pod.at("/securityContext/runAsNonRoot").asBoolean()).isTrue();
    assertThat(pod.at("/enableServiceLinks").isBoolean() && !pod.at("/enableServiceLinks").asBoolean())
        .as("service links off: a Service named jouletrace would set JOULETRACE_PORT, which serve reads as --port").isTrue();
    JsonNode container = pod.at("/containers/0");
    assertThat(container.at("/image").asText()).isEqualTo("jouletrace:0.1.0-SNAPSHOT");
    assertThat(container.at("/livenessProbe/httpGet/path").asText()).isEqualTo("/health/live");
    assertThat(container.at("/readinessProbe/httpGet/path").asText()).isEqualTo("/health/ready");
    assertThat(container.at("/resources/limits/memory").asText()).isEqualTo("2Gi");
    Map<String, JsonNode> env = new LinkedHashMap<>();
    container.at("/env").forEach(variable -> env.put(variable.get("name").asText(), variable));
    assertThat(env).containsOnlyKeys("JOULETRACE_STORE", "JOULETRACE_ADMIN_KEY", "JOULETRACE_LEDGER_KEY", "JOULETRACE_DEFAULT_INTENSITY");
    assertThat(env.get("JOULETRACE_STORE").at("/valueFrom/secretKeyRef/name").asText()).isEqualTo("jouletrace-store");
    assertThat(env.get("JOULETRACE_ADMIN_KEY").at("/valueFrom/secretKeyRef/key").asText()).isEqualTo("admin-key");
    assertThat(env.get("JOULETRACE_DEFAULT_INTENSITY").at("/value").asText()).isEqualTo("350");
    assertThat(pod.at("/volumes").findValuesAsText("name")).containsExactly("tmp");
    assertThat(objects.get("Service").at("/spec/ports/0/targetPort").asText()).isEqualTo("http");
  }

  @Test
  void keepsTheEmbeddedLedgerOnItsVolumeForOneReplica() throws Exception {
    JsonNode deployment = render(new Helm(CHART).template().set("persistence.existingClaim", "jouletrace-data")).get("Deployment");
    assertThat(deployment.at("/spec/strategy/type").asText()).isEqualTo("Recreate");
    JsonNode pod = deployment.at("/spec/template/spec");
    assertThat(pod.at("/volumes/1/persistentVolumeClaim/claimName").asText()).isEqualTo("jouletrace-data");
    assertThat(pod.at("/containers/0/volumeMounts/1/mountPath").asText()).isEqualTo("/var/lib/jouletrace/data");
  }

  @Test
  void refusesReplicasThatWouldEachKeepTheirOwnEmbeddedLedger() {
    assertThatThrownBy(() -> new Helm(CHART).template().set("replicaCount", 2).call())
        .hasMessageContaining("replicaCount > 1 needs store.secretName");
  }

  /** The rendered objects by kind, each checked against the API schema of its kind. */
  private static Map<String, JsonNode> render(TemplateCommand template) throws Exception {
    Map<String, JsonNode> objects = new LinkedHashMap<>();
    List<JsonNode> documents = new YAMLMapper().readerFor(JsonNode.class).<JsonNode>readValues(template.call()).readAll();
    for (JsonNode object : documents) {
      if (object == null || object.isEmpty()) continue;
      String kind = object.get("kind").asText();
      Class.forName("io.kubernetes.client.openapi.models.V1" + kind).getMethod("validateJsonElement", com.google.gson.JsonElement.class)
          .invoke(null, JsonParser.parseString(JSON.writeValueAsString(object)));
      objects.put(kind, object);
    }
    return objects;
  }
}
