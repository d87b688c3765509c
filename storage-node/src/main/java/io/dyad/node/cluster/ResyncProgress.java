package io.dyad.node.cluster;

import io.dyad.common.ObjectMeta;

/**
 * The counters of one resync (or hint handoff): what was examined, copied and tombstoned, and how far it got. A
 * resync tried again (after a full disk or a lost connection) goes on with the same counters and resumes its
 * inventory merge where the last try stopped, so its progress is what is really done.
 */
final class ResyncProgress {
  final long incarnation;
  /** the RESYNCING record and incarnation this progress belongs to ("" for a hint handoff) */
  final String key;
  /** the inventory position the merge has handled everything before (a cursor; "" for the start) */
  String mergedUpTo = "";
  long objects;
  long tombstones;
  long bytes;
  long examined;
  double percent;

  ResyncProgress(long incarnation, String key) {
    this.incarnation = incarnation;
    this.key = key;
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
