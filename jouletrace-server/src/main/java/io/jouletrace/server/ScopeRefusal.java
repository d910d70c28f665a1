package io.jouletrace.server;

import io.javalin.http.HttpStatus;

/**
 * A record outside what the key may write: another tenant's, or a team or cost center other than the key's bound one.
 * In a batch it rejects that entry alone (naming its field); a single record's request answers 403.
 */
final class ScopeRefusal extends ApiError {
  final String field;

  ScopeRefusal(String field, String message) {
    super(HttpStatus.FORBIDDEN, message);
    this.field = field;
  }
}
