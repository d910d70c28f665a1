package io.jouletrace.ledger.telemetry;

import java.io.IOException;

/** An input whose format could not be told from its first line, or that is not of the kind asked for. */
public final class UnknownFormatException extends IOException {

  public UnknownFormatException(String message) {
    super(message);
  }
}
