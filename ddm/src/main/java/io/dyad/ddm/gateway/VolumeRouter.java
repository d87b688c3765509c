package io.dyad.ddm.gateway;

import com.google.common.base.Ticker;
import com.google.common.cache.Cache;
import com.google.common.cache.CacheBuilder;
import com.google.common.net.HostAndPort;
import io.dyad.common.DyadException;
import io.dyad.common.ErrorCode;
import io.dyad.coordinator.model.PairInfo;
import io.dyad.coordinator.model.VolumeInfo;
import io.dyad.coordinator.view.ClusterSnapshot;
import io.dyad.coordinator.view.ClusterView;
import io.dyad.directory.api.DirectoryClient;
import io.dyad.directory.api.PairRoles;
import io.dyad.rpc.ConnectionPool;
import io.dyad.thrift.Applied;
import io.dyad.thrift.ChangeOp;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Sends a volume's requests to its directory pair and hides failover from the caller: changes go to the pair's
 * primary, reads to a serving directory (the primary first, then the other), and a refusal that a newer view or a
 * moment will cure (Unavailable, StaleEpoch, a lost connection) is retried until the patience runs out. Changes carry
 * a request id, the same on every try, so a try that was in doubt but completed is answered, never applied twice.
 * A volume without a record, or whose pair has no live member, is searched for ({@link VolumeFinder}).
 */
final class VolumeRouter {
  private static final long PAUSE_NANOS = TimeUnit.MILLISECONDS.toNanos(25);
  /** how long a volume unknown to this DDM's view is waited for (another DDM may have just created it) */
  private static final Duration NEW_VOLUME_WAIT = Duration.ofSeconds(2);

  private final ClusterView view;
  private final ConnectionPool<DirectoryClient> directories;
  private final Duration patience;
  private final Ticker ticker;
  private final VolumeFinder finder;
  /** volumes without a record, and the pair a search found them on */
  private final Cache<String, String> foundOn = CacheBuilder.newBuilder().maximumSize(10_000)
      .expireAfterWrite(Duration.ofSeconds(30)).build();

  VolumeRouter(ClusterView view, ConnectionPool<DirectoryClient> directories, Duration patience, VolumeFinder finder) {
    this(view, directories, patience, Ticker.systemTicker(), finder);
  }

  /** @param ticker the time a call's patience runs out by */
  VolumeRouter(ClusterView view, ConnectionPool<DirectoryClient> directories, Duration patience, Ticker ticker,
      VolumeFinder finder) {
    this.view = view;
    this.directories = directories;
    this.patience = patience;
    this.ticker = ticker;
    this.finder = finder;
  }

  /** A call to one directory server under the view's epoch. */
  @FunctionalInterface
  interface DirectoryCall<T> {
    T call(DirectoryClient client, long epoch) throws DyadException;
  }

  /**
   * The pair holding the volume: the one its record names or, without a record, the pair of the directory servers
   * a search finds holding it.
   *
   * @throws DyadException NOT_FOUND if the cluster has no record of the volume and no directory server holds it
   */
  String pairOf(String volume) throws DyadException {
    VolumeInfo v = view.current().volumes().get(volume);
    if (v == null) {
      try {
        v = view.await(s -> s.volumes().containsKey(volume), NEW_VOLUME_WAIT)
            .map(s -> s.volumes().get(volume)).orElse(null);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new DyadException(ErrorCode.UNAVAILABLE, "interrupted while looking for volume " + volume);
      }
    }
    if (v != null) {
      return v.directoryPair();
    }
    String found = foundOn.getIfPresent(volume);
    if (found != null) {
      return found;
    }
    return searchPair(volume).orElseThrow(() -> DyadException.notFound("volume " + volume + " does not exist"));
  }

  /** The pair of the directory servers a search finds holding the volume, if any. */
  Optional<String> searchPair(String volume) throws DyadException {
    ClusterSnapshot s = view.current();
    for (VolumeSearch.Holder h : finder.find(volume, s, Optional.empty())) {
      Optional<PairInfo> pair = s.pairOf(h.member());
      if (pair.isPresent()) {
        foundOn.put(volume, pair.get().id());
        return Optional.of(pair.get().id());
      }
    }
    return Optional.empty();
  }

  /** Applies a change to the volume through its pair's primary. */
  Applied change(String volume, ChangeOp op, String requestId) throws DyadException {
    String pairId = pairOf(volume);
    return retrying(volume, pairId, s -> PairRoles.primary(s, pair(s, pairId)).map(List::of).orElse(List.of()),
        (c, epoch) -> c.submit(volume, op, epoch, requestId));
  }

  /** Runs a read against a serving directory of the volume's pair. */
  <T> T read(String volume, DirectoryCall<T> call) throws DyadException {
    String pairId = pairOf(volume);
    return retrying(volume, pairId, s -> servingMembers(s, pair(s, pairId)), call);
  }

  /** Runs a change of a pair that no volume record names yet (a volume being created). */
  Applied changeOnPair(String pairId, String volume, ChangeOp op, String requestId) throws DyadException {
    finder.created(volume);
    return retrying(volume, pairId, s -> PairRoles.primary(s, pair(s, pairId)).map(List::of).orElse(List.of()),
        (c, epoch) -> c.submit(volume, op, epoch, requestId));
  }

  private static PairInfo pair(ClusterSnapshot s, String pairId) throws DyadException {
    PairInfo p = s.pairs().get(pairId);
    if (p == null) {
      throw new DyadException(ErrorCode.INTERNAL, "directory pair " + pairId + " is not in the cluster");
    }
    return p;
  }

  /** The pair's serving members, the primary first. */
  private static List<String> servingMembers(ClusterSnapshot s, PairInfo pair) {
    List<String> out = new ArrayList<>();
    Optional<String> primary = PairRoles.primary(s, pair);
    primary.ifPresent(out::add);
    for (String m : new String[] {pair.a(), pair.b()}) {
      if (s.isServing(m) && !out.contains(m)) {
        out.add(m);
      }
    }
    return out;
  }

  @FunctionalInterface
  private interface Targets {
    List<String> of(ClusterSnapshot s) throws DyadException;
  }

  /**
   * Calls the targets the view gives until one answers or the patience runs out. If no member of the volume's pair
   * is live (the DDM cannot reach either), the directory servers a search finds holding the volume are tried too.
   */
  private <T> T retrying(String volume, String pairId, Targets targets, DirectoryCall<T> call) throws DyadException {
    long deadline = ticker.read() + patience.toNanos();
    DyadException last = null;
    List<VolumeSearch.Holder> searched = null;
    while (true) {
      ClusterSnapshot s = view.current();
      List<HostAndPort> addresses = new ArrayList<>();
      for (String member : targets.of(s)) {
        addresses.add(HostAndPort.fromString(s.members().get(member).address()));
      }
      if (searched == null && noLiveMember(s, pairId)) {
        searched = finder.find(volume, s, Optional.ofNullable(s.pairs().get(pairId)));
      }
      for (VolumeSearch.Holder h : searched == null ? List.<VolumeSearch.Holder>of() : searched) {
        HostAndPort a = HostAndPort.fromString(h.address());
        if (!addresses.contains(a)) {
          addresses.add(a);
        }
      }
      for (HostAndPort address : addresses) {
        try {
          return directories.call(address, ConnectionPool.Retry.SAFE, c -> call.call(c, s.epoch()));
        } catch (DyadException e) {
          if (!curable(e)) {
            throw e;
          }
          last = e;
        }
      }
      if (ticker.read() - deadline > 0) {
        throw new DyadException(ErrorCode.UNAVAILABLE, "the directories of volume " + volume + " did not answer within "
            + patience.toSeconds() + " s" + (last == null ? " (none serves)" : ": " + last.getMessage()), last);
      }
      LockSupport.parkNanos(PAUSE_NANOS);
    }
  }

  private static boolean noLiveMember(ClusterSnapshot s, String pairId) {
    PairInfo p = s.pairs().get(pairId);
    return p == null || (!s.isLive(p.a()) && !s.isLive(p.b()));
  }

  /** A refusal that another member, a newer view or a moment may cure. */
  private static boolean curable(DyadException e) {
    return e.code() == ErrorCode.UNAVAILABLE || e.code() == ErrorCode.STALE_EPOCH;
  }
}
