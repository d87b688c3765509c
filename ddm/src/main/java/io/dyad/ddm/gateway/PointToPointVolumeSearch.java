package io.dyad.ddm.gateway;

import com.google.common.base.Ticker;
import com.google.common.net.HostAndPort;
import io.dyad.common.DyadException;
import io.dyad.common.ErrorCode;
import io.dyad.coordinator.model.MemberInfo;
import io.dyad.coordinator.model.MemberKind;
import io.dyad.coordinator.view.ClusterSnapshot;
import io.dyad.directory.api.DirectoryClient;
import io.dyad.rpc.ConnectionPool;
import io.dyad.thrift.VolumeState;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Asks every directory server of the center, in parallel, {@code findVolume(V)}; those that hold it answer, the others
 * say NotFound. Servers that do not answer within the timeout are not waited for.
 *
 * <p>The asks run on at most {@code maxAsks} threads: enough for the searches a {@link VolumeFinder} runs at once
 * times the directory servers of a center, plus asks cut at their timeout that still wait for their server. When every
 * thread is busy, a search does not queue behind paused servers: it fails at once with UNAVAILABLE (nothing is
 * concluded about the volume; the caller may try again), and the asks it had sent are cancelled.
 */
final class PointToPointVolumeSearch implements VolumeSearch {
  /** The directory servers of a large center. */
  private static final int DIRECTORIES_PER_CENTER = 16;
  /** {@link VolumeFinder}'s searches at once times the directory servers of a large center. */
  static final int DEFAULT_MAX_ASKS = VolumeFinder.MAX_CONCURRENT * DIRECTORIES_PER_CENTER;

  private final ConnectionPool<DirectoryClient> directories;
  private final Duration timeout;
  private final Ticker ticker;
  private final int maxAsks;
  private final ThreadPoolExecutor askers;

  PointToPointVolumeSearch(ConnectionPool<DirectoryClient> directories, Duration timeout) {
    this(directories, timeout, Ticker.systemTicker(), DEFAULT_MAX_ASKS);
  }

  /**
   * @param ticker the time the search's timeout runs out by
   * @param maxAsks the most asks in flight at once (threads); idle threads end after a while
   */
  PointToPointVolumeSearch(ConnectionPool<DirectoryClient> directories, Duration timeout, Ticker ticker, int maxAsks) {
    this.directories = directories;
    this.timeout = timeout;
    this.ticker = ticker;
    this.maxAsks = maxAsks;
    this.askers = new ThreadPoolExecutor(maxAsks, maxAsks, 30, TimeUnit.SECONDS, new SynchronousQueue<>(), r -> {
      Thread t = new Thread(r, "volume-search");
      t.setDaemon(true);
      return t;
    });
    askers.allowCoreThreadTimeOut(true);
  }

  @Override
  public List<Holder> search(String volume, String center, ClusterSnapshot s)
      throws InterruptedException, DyadException {
    List<MemberInfo> asked = s.members().values().stream()
        .filter(m -> m.center().equals(center) && m.kind() == MemberKind.DIRECTORY).toList();
    List<Future<VolumeState>> answers = new ArrayList<>();
    for (MemberInfo m : asked) {
      try {
        answers.add(askers.submit(() -> directories.call(HostAndPort.fromString(m.address()),
            ConnectionPool.Retry.SAFE, c -> c.findVolume(volume))));
      } catch (RejectedExecutionException full) {
        answers.forEach(a -> a.cancel(true));
        throw new DyadException(ErrorCode.UNAVAILABLE, "too many directory servers are being asked for volumes at "
            + "once (" + maxAsks + "); try again");
      }
    }
    long deadline = ticker.read() + timeout.toNanos();
    List<Holder> found = new ArrayList<>();
    for (int i = 0; i < asked.size(); i++) {
      try {
        VolumeState v = answers.get(i).get(Math.max(0, deadline - ticker.read()), TimeUnit.NANOSECONDS);
        found.add(new Holder(asked.get(i).id(), asked.get(i).address(), v.getLastSeq()));
      } catch (ExecutionException e) {
        if (!(e.getCause() instanceof DyadException)) {
          throw new IllegalStateException("volume search failed unexpectedly", e.getCause());
        }
        // NotFound (it does not hold the volume) or unreachable: not a holder
      } catch (TimeoutException e) {
        answers.get(i).cancel(true);
      }
    }
    return found;
  }

  @Override
  public String mode() {
    return VolumeSearchConfig.POINT_TO_POINT;
  }

  @Override
  public void close() {
    askers.shutdownNow();
  }
}
