package io.dyad.coordinator.membership;

import com.google.common.util.concurrent.Service;
import io.dyad.coordinator.model.LiveInfo;
import java.util.Optional;

/**
 * A member's registration in the cluster (the liveness znode {@code /dyad/live/<id>}), kept while the member
 * runs and renewed after a session loss (as a new incarnation).
 *
 * <p>Fencing has two strengths. {@link #mayAcceptWrites()} holds only while the registration is confirmed with
 * ZooKeeper within its lease (nobody can be failed over before its session expires, so within the lease no partner
 * serves alone). {@link #mayServe()} holds within the lease too, and beyond it through a ZooKeeper outage the member
 * saw begin while its lease was valid (even one that costs it its session): reads go on. A process that was paused
 * (a long GC, SIGSTOP) wakes with its lease expired and serves nothing until ZooKeeper confirms it again. Once it
 * registers again as a new incarnation, the cluster decides whether it must catch up first.
 */
public interface Registration extends Service {

  /** Registered, and confirmed with ZooKeeper within the lease. Cheap; call it on every write. */
  boolean mayAcceptWrites();

  /** Registered, and within the lease or inside a ZooKeeper outage it saw begin (reads and lookups). */
  boolean mayServe();

  /** The current registration (with its incarnation and data directory), if registered. */
  Optional<LiveInfo> current();
}
