package io.dyad.directory.server;

import com.google.common.net.HostAndPort;
import io.dyad.common.DyadException;
import io.dyad.thrift.Change;
import java.util.List;

/** How the primary gets a volume's changes to its partner (over Thrift: {@link ThriftPartnerLink}). */
interface PartnerLink {
  /**
   * Has the partner apply {@code changes} (the volume's next ones, in order, not applied here yet) and whatever of
   * the volume it lacks before them.
   *
   * @throws DyadException UNAVAILABLE or STALE_EPOCH if the partner does not hold them all afterwards
   */
  void send(HostAndPort partner, List<Change> changes, long epoch) throws DyadException;

  /**
   * Sends the partner the changes of {@code volume} after {@code partnerLast} from this directory's log, then
   * {@code pending} (which follow the log; may be empty), until the partner holds them all.
   */
  void fill(HostAndPort partner, String volume, long partnerLast, List<Change> pending, long epoch)
      throws DyadException;
}
