package io.dyad.cli.bench;

import java.util.Arrays;
import java.util.Locale;

/**
 * A measured amount of work over a duration. MB means 10^6 bytes. latencies: the duration of each operation in
 * nanoseconds, sorted, or null where single operations were not timed.
 */
record Rate(String name, double units, String unit, long nanos, long[] latencies) {

  Rate(String name, double units, String unit, long nanos) {
    this(name, units, unit, nanos, null);
  }

  static Rate bytes(String name, long bytes, long nanos) {
    return new Rate(name, bytes / 1e6, "MB/s", nanos);
  }

  static Rate ops(String name, long ops, long nanos) {
    return new Rate(name, ops, "ops/s", nanos);
  }

  Rate withLatencies(long[] each) {
    long[] sorted = each.clone();
    Arrays.sort(sorted);
    return new Rate(name, units, unit, nanos, sorted);
  }

  /** The p-th percentile (nearest rank) of the operations' latencies, in milliseconds. */
  double percentileMillis(double p) {
    int rank = (int) Math.ceil(p / 100 * latencies.length);
    return latencies[Math.max(0, Math.min(latencies.length - 1, rank - 1))] / 1e6;
  }

  double perSecond() {
    return units / (nanos / 1e9);
  }

  static Rate mean(String name, Rate a, Rate b) {
    return new Rate(name, a.units + b.units, a.unit, a.nanos + b.nanos);
  }

  String formatted() {
    return String.format(Locale.ROOT, "%10.1f %s", perSecond(), unit);
  }
}
