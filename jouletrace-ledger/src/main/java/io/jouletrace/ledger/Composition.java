package io.jouletrace.ledger;

import io.jouletrace.catalog.Catalog;
import io.jouletrace.catalog.DeploymentSettings;
import io.jouletrace.core.carbon.IntensityResolver;
import io.jouletrace.core.carbon.IntensitySignal;
import io.jouletrace.core.methodology.Estimator;
import io.jouletrace.core.record.InvocationRecord;
import io.jouletrace.ledger.store.Store;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.function.Supplier;

/**
 * The composition root: everything that decides a call's figures — the methodologies with the user's model table and
 * rates, the deployment's intensity settings, the intensity series stored in the ledger — with the clock and the ledger
 * key, built once from the configuration and handed to every surface (estimate, serve's REST estimate, ingest, OTLP and
 * gateway, file ingest, verify, stream), so that one call gets one figure wherever it is sent. Named for the pattern
 * (Seemann, "Dependency Injection in .NET", 2011, ch. 4: the one place where the object graph is composed); "Runtime"
 * would shadow {@link java.lang.Runtime}.
 *
 * @param modelTable a provider-documentation table in EcoLogits 0.4's {@code models.csv} layout, or {@code null}
 * @param rates a {@code model,wh_per_1k_tokens} file replacing the built-in rates, or {@code null}
 * @param deployment the deployment's intensity settings ({@link DeploymentSettings})
 * @param clock what "now" is: the time of a call figured without one (an estimate is of a call made now)
 * @param ledgerKey the HMAC key the ledger's chain is sealed with, or {@code null} for plain SHA-256
 */
public record Composition(Path modelTable, Path rates, Supplier<IntensityResolver.Deployment> deployment, InstantSource clock,
    byte[] ledgerKey) {

  public Composition {
    deployment = deployment == null ? IntensityResolver.Deployment.of(null) : deployment;
    clock = clock == null ? InstantSource.system() : clock;
  }

  /** The bundled catalog, the deployment settings of the environment, the system clock and {@code ledgerKey}. */
  public static Composition fromEnvironment(byte[] ledgerKey) {
    return new Composition(null, null, DeploymentSettings.fromEnvironment(), InstantSource.system(), ledgerKey);
  }

  /** The methodologies around a grid-intensity {@code signal}: what {@link Ledger} builds its estimators with. */
  public Estimator estimator(IntensitySignal signal) {
    return Catalog.estimator(new Catalog.Options(modelTable, rates, deployment, signal));
  }

  /** The estimator of a call figured now with no ledger at hand: no stored series. */
  public Estimator estimator() {
    return estimator(IntensitySignal.none());
  }

  /** The estimator a new record in {@code store} is figured with: every intensity series stored there applies. */
  public Estimator estimator(Store store) {
    return new Signals(store, this::estimator).latest();
  }

  /** Opens the ledger in {@code store}, figuring with this root and sealed with its key ({@link Ledger#open}). */
  public Ledger open(Store store) {
    return Ledger.open(store, (IntensitySignal signal) -> estimator(signal), ledgerKey).useClock(clock);
  }

  /**
   * {@code record}, at {@code clock}'s now when it names no time: an estimate is of a call made now, so a stored series in
   * force now figures it as it figures the gateway's calls and the records ingested now.
   */
  public static InvocationRecord madeNow(InvocationRecord record, InstantSource clock) {
    return record.timestamp() != null ? record : record.withTimestamp(clock.instant());
  }
}
