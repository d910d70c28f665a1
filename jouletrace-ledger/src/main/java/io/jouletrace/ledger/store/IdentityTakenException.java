package io.jouletrace.ledger.store;

/**
 * An append refused because another writer stored one of its records' identity (tenant, id) first (PostgreSQL's
 * unique index on it, V14): nothing of the batch was stored. The writer answers those records as duplicates or
 * conflicts and appends the rest.
 */
public final class IdentityTakenException extends StoreException {
  public IdentityTakenException(String message, Throwable cause) {
    super(message, cause);
  }
}
