package io.jouletrace.server;

import io.javalin.http.HttpStatus;

/** A client error with its status; its message is safe to show. */
class ApiError extends RuntimeException {
  final HttpStatus status;
  /** The spent gate budget that refused the request (429), or null. */
  final String budget;

  ApiError(HttpStatus status, String message) {
    this(status, message, null);
  }

  ApiError(HttpStatus status, String message, String budget) {
    super(message);
    this.status = status;
    this.budget = budget;
  }
}
