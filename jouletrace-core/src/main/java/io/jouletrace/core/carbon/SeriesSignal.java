package io.jouletrace.core.carbon;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Grid-intensity time series per zone as a step function: the reading in force at a time is the
 * latest one at or before it, if it is not older than {@code maxAge} (a stale reading is no signal,
 * and the annual average takes over).
 */
public final class SeriesSignal implements IntensitySignal {

  /** One point of a series. */
  public record Point(String zone, Instant time, double gramsPerKwh) {
    public Point {
      if (!(gramsPerKwh >= 0) || Double.isInfinite(gramsPerKwh)) {
        throw new IllegalArgumentException(zone + " at " + time + ": intensity must be finite and >= 0, got " + gramsPerKwh);
      }
    }
  }

  private record Series(long[] epochSeconds, double[] values) {}

  private final Map<String, Series> byZone;
  private final Duration maxAge;
  private final String name;

  /** @param name where the series came from, recorded on every figure that uses it */
  public SeriesSignal(List<Point> points, Duration maxAge, String name) {
    this.maxAge = maxAge;
    this.name = name;
    Map<String, List<Point>> grouped = new HashMap<>();
    for (Point p : points) grouped.computeIfAbsent(p.zone(), z -> new ArrayList<>()).add(p);
    Map<String, Series> series = new HashMap<>();
    grouped.forEach((zone, list) -> {
      list.sort(Comparator.comparing(Point::time));
      long[] times = new long[list.size()];
      double[] values = new double[list.size()];
      for (int i = 0; i < list.size(); i++) {
        times[i] = list.get(i).time().getEpochSecond();
        values[i] = list.get(i).gramsPerKwh();
      }
      series.put(zone, new Series(times, values));
    });
    this.byZone = Map.copyOf(series);
  }

  @Override
  public Optional<Reading> at(String zone, Instant time) {
    Series series = byZone.get(zone);
    if (series == null || time == null) return Optional.empty();
    int found = Arrays.binarySearch(series.epochSeconds(), time.getEpochSecond());
    int index = found >= 0 ? lastEqual(series.epochSeconds(), found) : -found - 2;
    if (index < 0) return Optional.empty();
    if (time.getEpochSecond() - series.epochSeconds()[index] > maxAge.toSeconds()) return Optional.empty();
    return Optional.of(new Reading(series.values()[index], name + " " + zone + " @ " + Instant.ofEpochSecond(series.epochSeconds()[index])));
  }

  /** With duplicate timestamps, the last point given wins (a later correction). */
  private static int lastEqual(long[] times, int index) {
    while (index + 1 < times.length && times[index + 1] == times[index]) index++;
    return index;
  }
}
