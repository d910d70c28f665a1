package io.jouletrace.server;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jouletrace.core.hash.Sha256;
import io.jouletrace.ledger.store.Store;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Optional;

/**
 * API keys: an admin key from {@code JOULETRACE_ADMIN_KEY} or made with {@code jouletrace keys create --admin}, and
 * tenant keys that see and write only their tenant, optionally bound to a team and a cost center. Only each key's
 * SHA-256 is stored; a new key is shown once. A key is named by its id, the first 12 hex digits of that SHA-256.
 */
public final class ApiKeys {

  public static final String ADMIN_KEY_ENV = "JOULETRACE_ADMIN_KEY";
  /** The shortest admin key the environment may give: a made key has 43 characters of randomness. */
  public static final int MIN_ADMIN_KEY_LENGTH = 32;
  static final String ADMIN = "admin";
  static final String TENANT = "tenant";
  private static final int ID_LENGTH = 12;
  private static final SecureRandom RANDOM = new SecureRandom();

  /** The key in an {@code Authorization} value {@code Bearer KEY}; null when the value is no bearer credential. */
  static String bearerKey(String authorization) {
    return authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7) ? authorization.substring(7).strip() : null;
  }

  /**
   * Who a request speaks for.
   *
   * @param team the team every call of this key is charged to, or null when the request may name one
   * @param costCenter likewise for the cost center
   */
  public record Principal(String role, String tenant, String team, String costCenter) {
    static final Principal ADMIN_PRINCIPAL = new Principal(ADMIN, null, null, null);

    public boolean isAdmin() {
      return ADMIN.equals(role);
    }

    /** Whether this principal may see or write {@code tenant}'s data. */
    public boolean mayAccess(String tenant) {
      return isAdmin() || this.tenant.equals(tenant);
    }
  }

  private final Store store;
  private final String envAdminKeySha256;

  /**
   * @param envAdminKey the admin key given in the environment, or null
   * @throws IllegalArgumentException when that key is shorter than {@link #MIN_ADMIN_KEY_LENGTH}
   */
  public ApiKeys(Store store, String envAdminKey) {
    this.store = store;
    if (envAdminKey != null && !envAdminKey.isBlank() && envAdminKey.strip().length() < MIN_ADMIN_KEY_LENGTH) {
      throw new IllegalArgumentException(ADMIN_KEY_ENV + " has " + envAdminKey.strip().length() + " characters; an admin key needs at least "
          + MIN_ADMIN_KEY_LENGTH + " (one that can be guessed opens every tenant's data), e.g. the output of `openssl rand -hex 32`");
    }
    this.envAdminKeySha256 = envAdminKey == null || envAdminKey.isBlank() ? null : sha256(envAdminKey.strip());
  }

  /** Makes and stores an admin key ({@code tenant} null) or a tenant key; returns the key itself, which is not kept anywhere. */
  public String create(String tenant, String label) {
    return create(tenant, null, null, label);
  }

  /**
   * Makes and stores a key; returns the key itself, which is not kept anywhere. A tenant key may be bound to a team
   * and a cost center: its calls are charged to them, whatever the request says.
   */
  public String create(String tenant, String team, String costCenter, String label) {
    if (tenant != null && tenant.isBlank()) throw new IllegalArgumentException("--tenant: a tenant name must not be blank");
    if (tenant == null && (team != null || costCenter != null)) {
      throw new IllegalArgumentException("--team and --cost-center bind a tenant key: give --tenant too");
    }
    if (team != null && team.isBlank()) throw new IllegalArgumentException("--team: must not be blank");
    if (costCenter != null && costCenter.isBlank()) throw new IllegalArgumentException("--cost-center: must not be blank");
    byte[] secret = new byte[32];
    RANDOM.nextBytes(secret);
    String key = "jt_" + Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
    store.addApiKey(new Store.ApiKey(sha256(key), tenant == null ? ADMIN : TENANT, tenant, label, Instant.now(), team, costCenter, null));
    return key;
  }

  /** Every stored key, revoked ones too, oldest first (the environment's admin key is not stored). */
  public List<Store.ApiKey> list() {
    return store.apiKeys();
  }

  /** The stored key named by this id or by its whole SHA-256. */
  public Optional<Store.ApiKey> find(String id) {
    if (id == null || id.length() < ID_LENGTH) return Optional.empty();
    List<Store.ApiKey> matches = store.apiKeys().stream().filter(k -> k.sha256().startsWith(id.toLowerCase(java.util.Locale.ROOT))).toList();
    if (matches.size() > 1) throw new IllegalArgumentException("key id " + id + " names " + matches.size() + " keys; give more of its SHA-256");
    return matches.stream().findFirst();
  }

  /** Revokes the key with this id; the key as it is now stored (revoked), or empty when there is none. */
  public Optional<Store.ApiKey> revoke(String id) {
    return find(id).map(key -> {
      store.revokeApiKey(key.sha256(), Instant.now());
      return store.apiKey(key.sha256()).orElseThrow();
    });
  }

  /** A stored key as the API and {@code keys list --json} show it: never its hash beyond the id. */
  public static ObjectNode json(Store.ApiKey key) {
    return Json.MAPPER.createObjectNode().put("id", id(key)).put("role", key.role()).put("tenant", key.tenant())
        .put("team", key.team()).put("cost_center", key.costCenter()).put("label", key.label())
        .put("created_at", key.createdAt().toString()).put("revoked_at", key.revokedAt() == null ? null : key.revokedAt().toString());
  }

  /** A key's id: the first 12 hex digits of its SHA-256. */
  public static String id(Store.ApiKey key) {
    return key.sha256().substring(0, ID_LENGTH);
  }

  /** The principal of a presented key; empty when no key matches or the key is revoked. */
  public Optional<Principal> resolve(String key) {
    if (key == null || key.isBlank()) return Optional.empty();
    String hash = sha256(key.strip());
    if (hash.equals(envAdminKeySha256)) return Optional.of(Principal.ADMIN_PRINCIPAL);
    return store.apiKey(hash).filter(k -> k.revokedAt() == null).map(k -> new Principal(k.role(), k.tenant(), k.team(), k.costCenter()));
  }

  static String sha256(String key) {
    return Sha256.hexDigest(key);
  }

  /**
   * The team or cost center a call is charged to: the one the key is bound to, or else the one the request names. A
   * request that names another than the key's (ignoring case, as budgets match) is refused: a bound key cannot dodge its
   * budgets.
   */
  static String charged(String bound, String asked, String field) {
    if (bound == null) return asked;
    if (asked != null && !asked.equalsIgnoreCase(bound)) {
      throw new ScopeRefusal(field, "this key is bound to " + field + " " + bound + ", not " + asked);
    }
    return bound;
  }
}
