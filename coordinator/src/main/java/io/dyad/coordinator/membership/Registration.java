package io.dyad.coordinator.membership;

import com.google.common.util.concurrent.Service;
import io.dyad.coordinator.model.LiveInfo;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Supplier;
import org.apache.curator.framework.CuratorFramework;

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

  /**
   * A (not yet started) registration of member {@code memberId} at {@code address} on ZooKeeper, as
   * {@code MemberRegistration} describes; used by {@code ZkSession} (and the coordinator's tests, with their own
   * clients).
   *
   * @param dataId the identity of the member's data directory, read at each registration
   * @param sessionTimeout the session timeout asked for; also how long to wait for an earlier session's liveness
   *     znode to vanish before trying again
   */
  static Registration onZooKeeper(CuratorFramework client, String memberId, String address, Supplier<String> dataId,
      Clock clock, Duration sessionTimeout) {
    return new MemberRegistration(client, memberId, address, dataId, clock, sessionTimeout);
  }
}
