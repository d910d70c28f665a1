package io.jouletrace.cli;

import io.jouletrace.ledger.Ledger;
import io.jouletrace.ledger.report.PriceTable;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** The list prices stored on the records a command writes (docs/ledger.md, "Stored prices"): ingest and serve. */
final class PriceOptions {

  @Option(names = "--prices", paramLabel = "FILE",
      description = "Price table CSV stored on each new record: provider,model,input_per_1m_tokens,output_per_1m_tokens,currency"
          + "[,source,as_of] (default: the bundled, dated list prices; docs/focus.md).")
  Path prices;

  /** {@code ledger}, writing its new records under these prices. */
  Ledger apply(Ledger ledger) {
    return ledger.usePrices(prices == null ? PriceTable.bundled() : PriceTable.read(prices));
  }
}
