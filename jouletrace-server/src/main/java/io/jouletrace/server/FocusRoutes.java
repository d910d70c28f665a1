package io.jouletrace.server;

import static io.jouletrace.server.Requests.scope;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.jouletrace.ledger.report.FocusExport;
import io.jouletrace.ledger.report.PriceTable;
import io.jouletrace.ledger.report.Scope;
import io.jouletrace.ledger.store.Store;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Optional;

/** {@code GET /api/export/focus}: the scope's calls as FinOps FOCUS rows, CSV (docs/server.md). */
final class FocusRoutes {

  private final Store store;
  private final LedgerAccess access;

  FocusRoutes(Store store, LedgerAccess access) {
    this.store = store;
    this.access = access;
  }

  void register(RoutesConfig r) {
    r.get("/api/export/focus", this::focus);
  }

  private void focus(Context ctx) {
    FocusExport.Options defaults = FocusExport.Options.defaults();
    FocusExport.Options options = new FocusExport.Options(
        ctx.queryParam("period") == null ? defaults.period() : FocusExport.choice("period", ctx.queryParam("period"), FocusExport.PERIODS),
        ctx.queryParam("sub_account") == null ? defaults.subAccount()
            : FocusExport.choice("sub_account", ctx.queryParam("sub_account"), FocusExport.SUB_ACCOUNTS),
        // The server has no price table: the cost columns stay null, as the CLI's without --prices.
        Optional.ofNullable(ctx.queryParam("billing_account")).orElse(defaults.billingAccount()), PriceTable.NONE);
    Scope scope = scope(ctx);
    StringBuilder csv = new StringBuilder();
    access.withLedger(() -> {
      try {
        new FocusExport(store).write(scope, options, csv);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      return null;
    });
    ctx.header("Content-Disposition", "attachment; filename=\"focus.csv\"").contentType("text/csv; charset=utf-8").result(csv.toString());
  }

}
