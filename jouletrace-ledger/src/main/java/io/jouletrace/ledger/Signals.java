package io.jouletrace.ledger;

import io.jouletrace.core.carbon.IntensitySignal;
import io.jouletrace.core.carbon.SeriesSignal;
import io.jouletrace.core.methodology.Estimator;
import io.jouletrace.ledger.store.Store;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * The grid-intensity series stored in a ledger, as each record sees them: a record is figured with the points
 * stored before it (each point keeps the ledger head seq at its ingest). So a series that arrives after the
 * records it covers figures only later records, and every stored figure stays reproducible from what is stored.
 */
final class Signals {

  /**
   * A reading of a stored intensity series stands for at most this long after its time; past that the annual
   * average takes over (an hourly series with a missed hour still counts).
   */
  static final Duration MAX_AGE = Duration.ofHours(3);

  private record Stored(Store.SignalPoint point, long afterSeq) {}

  private final Function<IntensitySignal, Estimator> estimators;
  private final List<Stored> intensity = new ArrayList<>();
  /** The distinct head seqs at which intensity points were stored, ascending. */
  private final TreeMap<Long, Integer> intensityEpochs = new TreeMap<>();
  private final Map<Long, Estimator> byEpoch = new ConcurrentHashMap<>();

  Signals(Store store, Function<IntensitySignal, Estimator> estimators) {
    this.estimators = estimators;
    store.scanSignalPoints(Store.SignalPoint.INTENSITY, (point, afterSeq) -> intensity.add(new Stored(point, afterSeq)));
    for (Stored s : intensity) intensityEpochs.put(s.afterSeq(), 0);
  }

  /** The estimator for the record at {@code seq}: signals from the intensity points stored before it. */
  Estimator estimatorFor(long seq) {
    Long epoch = intensityEpochs.lowerKey(seq);
    long key = epoch == null ? -1 : epoch;
    return byEpoch.computeIfAbsent(key, k -> {
      List<SeriesSignal.Point> points = new ArrayList<>();
      for (Stored s : intensity) {
        if (s.afterSeq() <= k) points.add(new SeriesSignal.Point(s.point().key(), s.point().time(), s.point().value()));
      }
      return estimators.apply(points.isEmpty() ? IntensitySignal.none() : new SeriesSignal(points, MAX_AGE, "stored series"));
    });
  }

  /** The estimator for records not yet written (they come after every stored point). */
  Estimator latest() {
    return estimatorFor(Long.MAX_VALUE);
  }
}
