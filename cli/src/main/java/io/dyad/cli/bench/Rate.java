package io.dyad.cli.bench;

import java.util.Locale;

/** A measured amount of work over a duration. MB means 10^6 bytes. */
record Rate(String name, double units, String unit, long nanos) {

  static Rate bytes(String name, long bytes, long nanos) {
    return new Rate(name, bytes / 1e6, "MB/s", nanos);
  }

  static Rate ops(String name, long ops, long nanos) {
    return new Rate(name, ops, "ops/s", nanos);
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
