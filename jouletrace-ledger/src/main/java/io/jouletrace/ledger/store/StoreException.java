package io.jouletrace.ledger.store;

/** A store operation failed; the message says which store and what it was doing. */
public class StoreException extends RuntimeException {
  public StoreException(String message, Throwable cause) {
    super(message + (cause == null || cause.getMessage() == null ? "" : ": " + cause.getMessage()), cause);
  }
}
