package io.jouletrace.server;

import io.javalin.http.Context;
import io.javalin.http.Cookie;
import io.javalin.http.HttpStatus;
import io.javalin.http.SameSite;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Dashboard sign-in without typing a key (docs/server.md, "Dashboard"): a one-time link carries a random token that is
 * good once and for {@link #LINK_LIFETIME}; opening it sets an HttpOnly, SameSite=Strict session cookie, by which the
 * dashboard's requests then authenticate. An API key never appears in a URL. Tokens and sessions live in memory only,
 * so a restart signs everyone out.
 */
final class DashboardSessions {

  static final String COOKIE = "jouletrace_session";
  static final String SIGN_IN_PATH = "/signin";
  static final Duration LINK_LIFETIME = Duration.ofMinutes(10);
  static final Duration SESSION_LIFETIME = Duration.ofHours(12);

  private record Grant(ApiKeys.Principal principal, Instant expires) {}

  private final InstantSource clock;
  private final SecureRandom random = new SecureRandom();
  private final Map<String, Grant> links = new ConcurrentHashMap<>();
  private final Map<String, Grant> sessions = new ConcurrentHashMap<>();

  /** @param clock what "now" is for the links' and sessions' expiry (the composition root's; the ledger's clock) */
  DashboardSessions(InstantSource clock) {
    this.clock = clock;
  }

  /** A new single-use token signing its bearer in as {@code principal}; the link is {@code SIGN_IN_PATH?token=…}. */
  String issueLink(ApiKeys.Principal principal) {
    links.values().removeIf(g -> g.expires().isBefore(clock.instant()));
    String token = newToken();
    links.put(token, new Grant(principal, clock.instant().plus(LINK_LIFETIME)));
    return SIGN_IN_PATH + "?token=" + token;
  }

  /** {@code GET /signin?token=…}: spends the token, sets the session cookie and goes to the dashboard. */
  void signIn(Context ctx) {
    String token = ctx.queryParam("token");
    Grant link = token == null ? null : links.remove(token);
    if (link == null || link.expires().isBefore(clock.instant())) {
      throw new ApiError(HttpStatus.UNAUTHORIZED, "query parameter 'token': unknown, used or expired sign-in link (serve prints a new one;"
          + " POST /api/session/link makes one)");
    }
    sessions.values().removeIf(g -> g.expires().isBefore(clock.instant()));
    String session = newToken();
    sessions.put(session, new Grant(link.principal(), clock.instant().plus(SESSION_LIFETIME)));
    ctx.cookie(cookie(session, (int) SESSION_LIFETIME.toSeconds()));
    ctx.redirect("/", HttpStatus.SEE_OTHER);
  }

  /** The principal of the request's session cookie, if it names a live session. */
  Optional<ApiKeys.Principal> principal(Context ctx) {
    String session = ctx.cookie(COOKIE);
    Grant grant = session == null ? null : sessions.get(session);
    if (grant == null) return Optional.empty();
    if (grant.expires().isBefore(clock.instant())) {
      sessions.remove(session);
      return Optional.empty();
    }
    return Optional.of(grant.principal());
  }

  /** {@code POST /api/session/logout}: ends the cookie's session and clears the cookie. */
  void logout(Context ctx) {
    String session = ctx.cookie(COOKIE);
    if (session != null) sessions.remove(session);
    ctx.cookie(cookie("", 0));
    ctx.status(HttpStatus.NO_CONTENT);
  }

  private static Cookie cookie(String value, int maxAgeSeconds) {
    Cookie cookie = new Cookie(COOKIE, value);
    cookie.setPath("/");
    cookie.setMaxAge(maxAgeSeconds);
    cookie.setHttpOnly(true);
    cookie.setSameSite(SameSite.STRICT);
    return cookie;
  }

  private String newToken() {
    byte[] bytes = new byte[32];
    random.nextBytes(bytes);
    return HexFormat.of().formatHex(bytes);
  }
}
