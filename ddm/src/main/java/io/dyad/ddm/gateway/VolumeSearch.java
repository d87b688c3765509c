package io.dyad.ddm.gateway;

import io.dyad.common.DyadException;
import io.dyad.coordinator.view.ClusterSnapshot;
import java.util.List;

/**
 * Asks the directory servers of one center which of them hold a volume (claims 27-30): by multicast or point to
 * point. Waits a bounded time; a volume that is nowhere ends the search with nothing found.
 */
interface VolumeSearch extends AutoCloseable {
  /** A directory server that holds the volume, where it serves, and its last change of the volume. */
  record Holder(String member, String address, long lastSeq) {}

  /** @throws DyadException UNAVAILABLE if the search could not be made now (nothing is concluded about the volume) */
  List<Holder> search(String volume, String center, ClusterSnapshot s) throws InterruptedException, DyadException;

  String mode();

  @Override
  void close();
}
