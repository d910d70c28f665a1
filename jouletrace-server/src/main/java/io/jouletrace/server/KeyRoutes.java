package io.jouletrace.server;

import static io.jouletrace.server.Requests.requireAdmin;
import static io.jouletrace.server.Requests.text;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import io.jouletrace.ledger.store.Store;
import java.io.IOException;
import java.util.Optional;

/** {@code /api/keys}: list, make and revoke API keys, admin only (docs/server.md). */
final class KeyRoutes {

  private static final ObjectMapper JSON = Json.MAPPER;

  private final ApiKeys keys;
  private final LedgerAccess access;
  /** Drops the server's resolved keys, so that a revocation here takes effect at once. */
  private final Runnable forgetResolvedKeys;
  private final long maxBodyBytes;

  KeyRoutes(ApiKeys keys, LedgerAccess access, Runnable forgetResolvedKeys, long maxBodyBytes) {
    this.keys = keys;
    this.access = access;
    this.forgetResolvedKeys = forgetResolvedKeys;
    this.maxBodyBytes = maxBodyBytes;
  }

  void register(RoutesConfig r) {
    r.get("/api/keys", ctx -> {
      requireAdmin(ctx);
      ArrayNode list = JSON.createArrayNode();
      access.withLedger(keys::list).forEach(k -> list.add(ApiKeys.json(k)));
      ctx.json(JSON.createObjectNode().set("keys", list));
    });
    r.post("/api/keys", this::postKey);
    r.delete("/api/keys/{id}", ctx -> {
      requireAdmin(ctx);
      String id = ctx.pathParam("id");
      Optional<Store.ApiKey> revoked = access.withLedger(() -> keys.revoke(id));
      forgetResolvedKeys.run(); // at once here; a revocation by another process is seen within JouletraceServer.KEY_RECHECK
      ctx.json(ApiKeys.json(revoked.orElseThrow(() -> new ApiError(HttpStatus.NOT_FOUND, "no API key with id " + id))));
    });
  }

  /** {@code POST /api/keys}: {@code {"role": "admin"}} or {@code {"role": "tenant", "tenant", "team", "cost_center"}}, with a {@code label}. */
  private void postKey(Context ctx) throws IOException {
    requireAdmin(ctx);
    JsonNode body = JSON.readTree(Requests.body(ctx, maxBodyBytes));
    String role = text(body, "role");
    if (!role.equals(ApiKeys.ADMIN) && !role.equals(ApiKeys.TENANT)) throw new ApiError(HttpStatus.BAD_REQUEST, "field 'role': admin or tenant");
    String tenant = optionalText(body, "tenant");
    if (role.equals(ApiKeys.TENANT) && tenant == null) throw new ApiError(HttpStatus.BAD_REQUEST, "field 'tenant': required for a tenant key");
    if (role.equals(ApiKeys.ADMIN) && tenant != null) throw new ApiError(HttpStatus.BAD_REQUEST, "field 'tenant': an admin key has none");
    String team = optionalText(body, "team"), costCenter = optionalText(body, "cost_center"), label = optionalText(body, "label");
    String key = access.withLedger(() -> keys.create(tenant, team, costCenter, label));
    Store.ApiKey stored = access.withLedger(() -> keys.find(ApiKeys.sha256(key))).orElseThrow();
    ctx.status(HttpStatus.CREATED).json(ApiKeys.json(stored).put("key", key));
  }

  private static String optionalText(JsonNode body, String field) {
    JsonNode value = body.get(field);
    if (value == null || value.isNull()) return null;
    if (!value.isTextual()) throw new ApiError(HttpStatus.BAD_REQUEST, "field '" + field + "': must be a string");
    return value.asText();
  }
}
