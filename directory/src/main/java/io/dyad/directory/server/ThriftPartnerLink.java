package io.dyad.directory.server;

import com.google.common.net.HostAndPort;
import io.dyad.common.DyadException;
import io.dyad.common.ErrorCode;
import io.dyad.directory.api.DirectoryClient;
import io.dyad.directory.namespace.NamespaceStore;
import io.dyad.rpc.ConnectionPool;
import io.dyad.thrift.Change;
import java.util.ArrayList;
import java.util.List;

/**
 * The primary's side of replication over Thrift: sends a volume's changes to the partner and, when the partner
 * answers that it has a gap, fills it from this directory's own log until the partner holds everything up to the
 * change sent.
 */
final class ThriftPartnerLink implements PartnerLink {
  /** changes sent in one call while filling a gap */
  static final int BATCH = 1000;

  private final String memberId;
  private final NamespaceStore store;
  private final ConnectionPool<DirectoryClient> pool;

  ThriftPartnerLink(String memberId, NamespaceStore store, ConnectionPool<DirectoryClient> pool) {
    this.memberId = memberId;
    this.store = store;
    this.pool = pool;
  }

  @Override
  public void send(HostAndPort partner, List<Change> changes, long epoch) throws DyadException {
    String volume = changes.get(0).getVolume();
    long last = replicate(partner, volume, changes, epoch);
    fill(partner, volume, last, changes, epoch);
  }

  @Override
  public void fill(HostAndPort partner, String volume, long partnerLast, List<Change> pending, long epoch)
      throws DyadException {
    long target = !pending.isEmpty() ? pending.get(pending.size() - 1).getSeq()
        : store.volume(volume).map(v -> v.getLastSeq()).orElse(0L);
    long last = partnerLast;
    while (last < target) {
      List<Change> batch = new ArrayList<>(store.log(volume, last + 1, BATCH));
      if (!batch.isEmpty() && batch.get(0).getSeq() != last + 1) {
        throw new DyadException(ErrorCode.UNAVAILABLE, "partner " + partner + " lacks changes of volume " + volume
            + " from " + (last + 1) + " that this directory's log no longer holds: it needs a snapshot");
      }
      if (!pending.isEmpty()
          && (batch.isEmpty() || batch.get(batch.size() - 1).getSeq() == pending.get(0).getSeq() - 1)) {
        for (Change c : pending) {
          if (c.getSeq() > last) {
            batch.add(c);
          }
        }
      }
      if (batch.isEmpty()) {
        throw new DyadException(ErrorCode.INTERNAL, "volume " + volume + " has no change " + (last + 1)
            + " to send, though it is at " + target);
      }
      long next = replicate(partner, volume, batch, epoch);
      if (next <= last) {
        throw new DyadException(ErrorCode.UNAVAILABLE, "partner " + partner + " applied none of changes "
            + batch.get(0).getSeq() + "-" + batch.get(batch.size() - 1).getSeq() + " of volume " + volume);
      }
      last = next;
    }
  }

  private long replicate(HostAndPort partner, String volume, List<Change> changes, long epoch) throws DyadException {
    // a repeated change is ignored by the partner (or shows divergence), so sending again is safe
    return pool.call(partner, ConnectionPool.Retry.SAFE, c -> c.replicate(memberId, volume, changes, epoch));
  }
}
