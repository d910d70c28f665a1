package io.jouletrace.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import io.jouletrace.ledger.Ledger;
import io.jouletrace.ledger.store.Store;
import io.jouletrace.server.ApiKeys;
import java.io.PrintWriter;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code jouletrace keys}: API keys of the server. */
@Command(name = "keys", mixinStandardHelpOptions = true, description = "API keys of `jouletrace serve`.",
    subcommands = {KeysCommand.Create.class, KeysCommand.ListKeys.class, KeysCommand.Revoke.class})
final class KeysCommand {

  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * A key as the server's API shows it ({@link ApiKeys#json}). The API gives the id, not the whole SHA-256, so the id
   * stands in for it: the printers show only its first 12 digits anyway.
   */
  private static Store.ApiKey apiKey(JsonNode k) {
    return new Store.ApiKey(k.path("id").asText(), k.path("role").asText(), text(k, "tenant"), text(k, "label"),
        Instant.parse(k.path("created_at").asText()), text(k, "team"), text(k, "cost_center"),
        k.path("revoked_at").isTextual() ? Instant.parse(k.get("revoked_at").asText()) : null);
  }

  private static String text(JsonNode node, String field) {
    return node.path(field).isTextual() ? node.get(field).asText() : null;
  }

  /** {@code jouletrace keys create --admin | --tenant T [--team X] [--cost-center Y]}. */
  @Command(name = "create", mixinStandardHelpOptions = true,
      description = {"Make an API key and print it once (only its SHA-256 is stored).",
          "An admin key sees everything; a tenant key sees and writes only its tenant. A tenant key bound to a team or cost",
          "center charges every record and gateway call to them; a request naming another is refused (403)."})
  static final class Create implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    LedgerOptions ledgerOptions;

    static final class Role {
      @Option(names = "--admin", required = true, description = "An admin key.")
      boolean admin;

      @Option(names = "--tenant", required = true, paramLabel = "T", description = "A key limited to tenant T.")
      String tenant;
    }

    @ArgGroup(exclusive = true, multiplicity = "1")
    Role role;

    @Option(names = "--team", paramLabel = "X", description = "Bind the tenant key to team X.")
    String team;

    @Option(names = "--cost-center", paramLabel = "Y", description = "Bind the tenant key to cost center Y.")
    String costCenter;

    @Option(names = "--label", paramLabel = "TEXT", description = "What the key is for (stored beside its hash).")
    String label;

    @Override
    public Integer call() {
      String key;
      Optional<ServerApi> server = ledgerOptions.server();
      if (server.isPresent()) {
        ObjectNode body = JSON.createObjectNode().put("role", role.admin ? "admin" : "tenant").put("tenant", role.tenant)
            .put("team", team).put("cost_center", costCenter).put("label", label);
        key = server.get().post("/api/keys", body.toString()).path("key").asText();
      } else {
        try (Ledger ledger = ledgerOptions.open()) {
          key = new ApiKeys(ledger.store(), null).create(role.admin ? null : role.tenant, team, costCenter, label);
        }
      }
      spec.commandLine().getOut().println(key);
      spec.commandLine().getOut().flush();
      return 0;
    }
  }

  /** {@code jouletrace keys list}. */
  @Command(name = "list", mixinStandardHelpOptions = true,
      description = {"Every stored key, revoked ones too: id (the first 12 hex digits of its SHA-256), role, tenant, team,",
          "cost center, label, created and revoked. The keys themselves are not stored, so they cannot be shown."})
  static final class ListKeys implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    LedgerOptions ledgerOptions;

    @Option(names = "--json", description = "Print JSON: {\"keys\": [{id, role, tenant, team, cost_center, label, created_at, revoked_at}]}.")
    boolean json;

    @Override
    public Integer call() throws Exception {
      List<Store.ApiKey> keys;
      Optional<ServerApi> server = ledgerOptions.server();
      if (server.isPresent()) {
        keys = new ArrayList<>();
        for (JsonNode k : server.get().get("/api/keys", Map.of()).path("keys")) keys.add(apiKey(k));
      } else {
        try (Ledger ledger = ledgerOptions.open()) {
          keys = new ApiKeys(ledger.store(), null).list();
        }
      }
      PrintWriter out = spec.commandLine().getOut();
      if (json) {
        ArrayNode list = JSON.createArrayNode();
        keys.forEach(k -> list.add(ApiKeys.json(k)));
        out.println(JSON.writeValueAsString(JSON.createObjectNode().set("keys", list)));
      } else if (keys.isEmpty()) {
        out.println("no keys (see `jouletrace keys create`)");
      } else {
        out.printf("%-12s  %-6s  %-16s  %-16s  %-16s  %-24s  %-27s  %s%n", "ID", "ROLE", "TENANT", "TEAM", "COST CENTER", "LABEL", "CREATED",
            "REVOKED");
        for (Store.ApiKey k : keys) {
          out.printf("%-12s  %-6s  %-16s  %-16s  %-16s  %-24s  %-27s  %s%n", ApiKeys.id(k), k.role(), dash(k.tenant()), dash(k.team()),
              dash(k.costCenter()), dash(k.label()), k.createdAt(), k.revokedAt() == null ? "-" : k.revokedAt());
        }
      }
      out.flush();
      return 0;
    }

    private static String dash(String value) {
      return value == null ? "-" : value;
    }
  }

  /** {@code jouletrace keys revoke ID}. */
  @Command(name = "revoke", mixinStandardHelpOptions = true,
      description = {"Revoke a key by its id (from `keys list`): a running server refuses it (401) within a second.",
          "The key stays listed with when it was revoked. Exit status: 0 revoked; 4 no key with that id."})
  static final class Revoke implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    LedgerOptions ledgerOptions;

    @Parameters(paramLabel = "ID", description = "The key's id: the first 12 hex digits of its SHA-256, or more of them.")
    String id;

    @Override
    public Integer call() {
      Optional<Store.ApiKey> revoked;
      Optional<ServerApi> server = ledgerOptions.server();
      if (server.isPresent()) {
        try {
          revoked = Optional.of(apiKey(server.get().delete("/api/keys/" + URLEncoder.encode(id, StandardCharsets.UTF_8))));
        } catch (ServerApi.Refused e) {
          if (e.status != 404) throw e;
          revoked = Optional.empty();
        }
      } else {
        try (Ledger ledger = ledgerOptions.open()) {
          revoked = new ApiKeys(ledger.store(), null).revoke(id);
        }
      }
      if (revoked.isEmpty()) {
        spec.commandLine().getErr().println("jouletrace keys revoke: no key with id " + id);
        spec.commandLine().getErr().flush();
        return 4;
      }
      spec.commandLine().getOut().printf("revoked %s at %s%n", ApiKeys.id(revoked.get()), revoked.get().revokedAt());
      spec.commandLine().getOut().flush();
      return 0;
    }
  }
}
