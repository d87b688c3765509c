package io.dyad.node.cluster;

import io.dyad.common.ObjectMeta;

/** The counters of one resync (or hint handoff): what was examined, copied and tombstoned, and how far it got. */
final class ResyncProgress {
  final long incarnation;
  long objects;
  long tombstones;
  long bytes;
  long examined;
  double percent;

  ResyncProgress(long incarnation) {
    this.incarnation = incarnation;
  }

  void count(ObjectMeta remote, ObjectCopier.Outcome outcome) {
    examined++;
    if (outcome == ObjectCopier.Outcome.COPIED) {
      objects++;
      bytes += remote.length();
    } else if (outcome == ObjectCopier.Outcome.TOMBSTONED) {
      tombstones++;
    }
  }

  void at(double percent) {
    this.percent = Math.min(100, percent);
  }
}
