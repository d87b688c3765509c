package io.dyad.node.cluster;

import io.dyad.common.DyadException;
import io.dyad.common.ErrorCode;
import io.dyad.common.HintPage;
import io.dyad.common.ObjectId;
import io.dyad.common.ObjectMeta;
import io.dyad.common.Routing;
import io.dyad.node.store.FanoutLayout;
import io.dyad.node.store.InventoryCursor;
import io.dyad.node.store.ObjectStore;
import io.dyad.rpc.StorageNodeClient;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;

/**
 * One pass of bringing this member up to date with its partner, over one connection: the objects and tombstones
 * the partner holds hints for (what this member missed while it was away), then everything a merge of the two
 * inventories shows it lacks (which also rebuilds an empty disk). Tombstones always win: a deleted object is
 * never copied back, and a tombstone the partner lacks is pushed to it.
 */
final class PartnerSync {
  private static final int PAGE = 1000;

  private final String memberId;
  private final ObjectStore store;
  private final StorageNodeClient partner;
  private final long epoch;
  private final ResyncProgress progress;
  private final BooleanSupplier stillWanted;
  private final Runnable onProgress;
  private final ObjectCopier copier;

  /**
   * @param stillWanted false once the pass should stop (the service stops, or the member's state changed)
   * @param onProgress called after each object examined (to report progress now and then)
   */
  PartnerSync(String memberId, ObjectStore store, StorageNodeClient partner, long epoch, ResyncProgress progress,
      BooleanSupplier stillWanted, Runnable onProgress) {
    this.memberId = memberId;
    this.store = store;
    this.partner = partner;
    this.epoch = epoch;
    this.progress = progress;
    this.stillWanted = stillWanted;
    this.onProgress = onProgress;
    this.copier = new ObjectCopier(store, partner, store.maxChunkBytes());
  }

  /** Copies every object (and tombstone) the partner holds a hint for on our behalf, then clears those hints. */
  void copyHinted() throws DyadException {
    String cursor = "";
    while (stillWanted.getAsBoolean()) {
      HintPage page = partner.listHints(memberId, cursor, PAGE);
      List<ObjectId> done = new ArrayList<>();
      for (ObjectId id : page.ids()) {
        ObjectMeta remote;
        try {
          remote = partner.localStat(id, epoch);
        } catch (DyadException e) {
          if (e.code() != ErrorCode.NOT_FOUND) {
            throw e;
          }
          done.add(id); // a hint for an object whose write never completed: nothing to copy
          continue;
        }
        progress.count(remote, copier.bring(remote, epoch));
        done.add(id);
        onProgress.run();
      }
      partner.clearHints(memberId, done);
      if (page.nextCursor().isEmpty()) {
        return;
      }
      cursor = page.nextCursor().get();
    }
  }

  /**
   * One merge pass over both inventories: copy what we lack; push tombstones the partner lacks. Starts where an
   * earlier try of the same resync stopped ({@link ResyncProgress#mergedUpTo}): what lies before was merged, and
   * every write since went to both members.
   */
  void mergeInventories() throws DyadException {
    InventoryMerge.Cursor remote = new InventoryMerge.Cursor(cursor -> partner.inventory(cursor, PAGE),
        progress.mergedUpTo);
    InventoryMerge.Cursor local = new InventoryMerge.Cursor(cursor -> store.inventory(cursor, PAGE),
        progress.mergedUpTo);
    while (stillWanted.getAsBoolean() && remote.peek() != null) {
      ObjectMeta r = remote.peek();
      ObjectMeta l = local.peek();
      int cmp = l == null ? 1 : InventoryMerge.ORDER.compare(l, r);
      if (cmp < 0) {
        local.take();
        continue;
      }
      remote.take();
      if (cmp == 0) {
        local.take();
        if (l.tombstone() && !r.tombstone()) {
          partner.delete(r.id(), Routing.at(epoch)); // a tombstone always wins: the partner missed a delete
          continue;
        }
      }
      progress.count(r, copier.bring(r, epoch));
      progress.mergedUpTo = InventoryCursor.after(r.id());
      progress.at(100.0 * FanoutLayout.bucketOf(r.id()) / FanoutLayout.BUCKETS);
      onProgress.run();
    }
  }
}
