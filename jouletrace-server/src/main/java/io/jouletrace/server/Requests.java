package io.jouletrace.server;

import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.http.ContentTooLargeResponse;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import io.jouletrace.ledger.report.Dimension;
import io.jouletrace.ledger.report.Scope;
import java.io.IOException;
import java.util.List;
import java.util.Map;

/** What every route reads from a request: the signed-in key, a required admin role, the body and its fields, the scope. */
final class Requests {

  /** The request attribute the authenticated {@link ApiKeys.Principal} is kept under. */
  static final String PRINCIPAL = "jouletrace.principal";

  private Requests() {}

  static ApiKeys.Principal principal(Context ctx) {
    return ctx.attribute(PRINCIPAL);
  }

  static void requireAdmin(Context ctx) {
    if (!principal(ctx).isAdmin()) throw new ApiError(HttpStatus.FORBIDDEN, "this route needs an admin key");
  }

  /**
   * The request body. With a declared length it is read into an array of that length (Javalin's own reader copies
   * through an 8 KB buffer and a growing one: most of what a small request allocated); a body over {@code maxBytes} is 413.
   */
  static byte[] body(Context ctx, long maxBytes) throws IOException {
    long length = ctx.req().getContentLengthLong();
    if (length < 0) return ctx.bodyAsBytes();
    if (length > maxBytes) throw new ContentTooLargeResponse();
    byte[] body = new byte[(int) length];
    if (ctx.req().getInputStream().readNBytes(body, 0, body.length) < body.length) {
      throw new ApiError(HttpStatus.BAD_REQUEST, "request body ended before its Content-Length");
    }
    return body;
  }

  static String text(JsonNode body, String field) {
    JsonNode value = body.get(field);
    if (value == null || !value.isTextual()) throw new ApiError(HttpStatus.BAD_REQUEST, "field '" + field + "': required string");
    return value.asText();
  }

  /** The request's scope: since/until and filters from the query, limited to a tenant key's tenant. */
  static Scope scope(Context ctx) {
    Map<Dimension, String> filters = new java.util.LinkedHashMap<>();
    for (Dimension d : List.of(Dimension.TENANT, Dimension.TEAM, Dimension.COST_CENTER, Dimension.MODEL, Dimension.PROVIDER,
        Dimension.REGION, Dimension.ZONE, Dimension.OPERATION, Dimension.TRACE)) {
      String value = ctx.queryParam(d.code());
      if (value != null && !value.isBlank()) filters.put(d, value);
    }
    ApiKeys.Principal principal = principal(ctx);
    if (!principal.isAdmin()) {
      String asked = filters.get(Dimension.TENANT);
      if (asked != null && !asked.equals(principal.tenant())) {
        throw new ApiError(HttpStatus.FORBIDDEN, "this key is limited to tenant " + principal.tenant());
      }
      filters.put(Dimension.TENANT, principal.tenant());
    }
    return new Scope(Scope.time("since", ctx.queryParam("since")), Scope.time("until", ctx.queryParam("until")), filters);
  }
}
