package io.dyad.coordinator.model;

/**
 * {@code /dyad/rebalance}: the progress of the rebalancer, which moves objects to the pair placement now names
 * after a storage pair joined. Written only by the DOSM that holds the rebalancer latch; a new holder resumes from
 * it.
 *
 * @param placement the storage pairs placement runs over (sorted ids, comma-separated): when the set changes, a new
 *     rebalance begins
 * @param previous the pairs placement ran over before (as {@code placement}), or null: while the rebalance runs,
 *     an object may still be on its pair under these
 * @param state RUNNING or DONE
 * @param pass the pass, from 1; a pass that moves nothing ends the rebalance
 * @param member the member whose inventory the pass is reading, and {@code cursor} where in it
 * @param scanned entries read, over the whole rebalance; {@code moved} objects and tombstones moved, of them
 *     {@code movedBytes} bytes; {@code kept} copies left where they are because their new pair holds another object
 *     under the same id; {@code movedInPass} what this pass has moved so far
 * @param waiting why it is waiting (a member that does not serve, say), or null while it works
 * @param by the DOSM instance that wrote this
 */
public record RebalanceInfo(String placement, String previous, String state, int pass, String member, String cursor,
    long scanned, long moved, long movedBytes, long kept, long movedInPass, String waiting, String by,
    long startedAtMillis, long updatedAtMillis) {
  public static final String RUNNING = "RUNNING";
  public static final String DONE = "DONE";

  /** A rebalance that begins now, for the pairs in {@code placement} (after {@code previous}), at the first member. */
  public static RebalanceInfo begin(String placement, String previous, String firstMember, String by, long now) {
    return new RebalanceInfo(placement, previous, RUNNING, 1, firstMember, "", 0, 0, 0, 0, 0, null, by, now, now);
  }

  public boolean done() {
    return DONE.equals(state);
  }

  /** This rebalance, reading {@code member} from {@code cursor} now, recorded by {@code writer}; not waiting. */
  public RebalanceInfo at(String member, String cursor, String writer, long now) {
    return new RebalanceInfo(placement, previous, state, pass, member, cursor, scanned, moved, movedBytes, kept,
        movedInPass, null, writer, startedAtMillis, now);
  }

  /** This rebalance, waiting for the reason given. */
  public RebalanceInfo waitingFor(String why, String writer, long now) {
    return new RebalanceInfo(placement, previous, state, pass, member, cursor, scanned, moved, movedBytes, kept,
        movedInPass, why, writer, startedAtMillis, now);
  }

  /** This rebalance with one more page counted: entries read, and of them moved (and their bytes) and kept. */
  public RebalanceInfo plus(long pageScanned, long pageMoved, long pageBytes, long pageKept) {
    return new RebalanceInfo(placement, previous, state, pass, member, cursor, scanned + pageScanned,
        moved + pageMoved, movedBytes + pageBytes, kept + pageKept, movedInPass + pageMoved, waiting, by,
        startedAtMillis, updatedAtMillis);
  }

  /** The next pass, from the start of {@code firstMember}'s inventory. */
  public RebalanceInfo nextPass(String firstMember, String writer, long now) {
    return new RebalanceInfo(placement, previous, RUNNING, pass + 1, firstMember, "", scanned, moved, movedBytes,
        kept, 0, null, writer, startedAtMillis, now);
  }

  /** This rebalance, finished: the last pass moved nothing. */
  public RebalanceInfo finished(String writer, long now) {
    return new RebalanceInfo(placement, previous, DONE, pass, "", "", scanned, moved, movedBytes, kept, 0, null,
        writer, startedAtMillis, now);
  }
}
