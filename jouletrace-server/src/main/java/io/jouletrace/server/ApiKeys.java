package io.jouletrace.server;

import io.jouletrace.ledger.store.Store;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Optional;

/**
 * API keys: an admin key from {@code JOULETRACE_ADMIN_KEY} or made with {@code jouletrace keys create --admin}, and
 * tenant keys that see and write only their tenant. Only each key's SHA-256 is stored; a new key is shown once.
 */
public final class ApiKeys {

  public static final String ADMIN_KEY_ENV = "JOULETRACE_ADMIN_KEY";
  static final String ADMIN = "admin";
  static final String TENANT = "tenant";
  private static final SecureRandom RANDOM = new SecureRandom();

  /** The key in an {@code Authorization} value {@code Bearer KEY}; null when the value is no bearer credential. */
  static String bearerKey(String authorization) {
    return authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7) ? authorization.substring(7).strip() : null;
  }

  /** Who a request speaks for. */
  public record Principal(String role, String tenant) {
    static final Principal ADMIN_PRINCIPAL = new Principal(ADMIN, null);

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

  /** @param envAdminKey the admin key given in the environment, or null */
  public ApiKeys(Store store, String envAdminKey) {
    this.store = store;
    this.envAdminKeySha256 = envAdminKey == null || envAdminKey.isBlank() ? null : sha256(envAdminKey.strip());
  }

  /** Makes and stores a key; returns the key itself, which is not kept anywhere. */
  public String create(String tenant, String label) {
    if (tenant != null && tenant.isBlank()) throw new IllegalArgumentException("--tenant: a tenant name must not be blank");
    byte[] secret = new byte[32];
    RANDOM.nextBytes(secret);
    String key = "jt_" + Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
    store.addApiKey(new Store.ApiKey(sha256(key), tenant == null ? ADMIN : TENANT, tenant, label, Instant.now()));
    return key;
  }

  /** The principal of a presented key; empty when no key matches. */
  public Optional<Principal> resolve(String key) {
    if (key == null || key.isBlank()) return Optional.empty();
    String hash = sha256(key.strip());
    if (hash.equals(envAdminKeySha256)) return Optional.of(Principal.ADMIN_PRINCIPAL);
    return store.apiKey(hash).map(k -> new Principal(k.role(), k.tenant()));
  }

  static String sha256(String key) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
