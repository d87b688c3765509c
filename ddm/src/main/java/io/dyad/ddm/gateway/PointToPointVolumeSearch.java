package io.dyad.ddm.gateway;

import com.google.common.net.HostAndPort;
import io.dyad.common.DyadException;
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
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Asks every directory server of the center, in parallel, {@code findVolume(V)}; those that hold it answer, the others
 * say NotFound. Servers that do not answer within the timeout are not waited for.
 */
final class PointToPointVolumeSearch implements VolumeSearch {
  private final ConnectionPool<DirectoryClient> directories;
  private final Duration timeout;
  private final ExecutorService askers = Executors.newCachedThreadPool(r -> {
    Thread t = new Thread(r, "volume-search");
    t.setDaemon(true);
    return t;
  });

  PointToPointVolumeSearch(ConnectionPool<DirectoryClient> directories, Duration timeout) {
    this.directories = directories;
    this.timeout = timeout;
  }

  @Override
  public List<Holder> search(String volume, String center, ClusterSnapshot s) throws InterruptedException {
    List<MemberInfo> asked = s.members().values().stream()
        .filter(m -> m.center().equals(center) && m.kind() == MemberKind.DIRECTORY).toList();
    List<Future<VolumeState>> answers = new ArrayList<>();
    for (MemberInfo m : asked) {
      answers.add(askers.submit(() -> directories.call(HostAndPort.fromString(m.address()),
          ConnectionPool.Retry.SAFE, c -> c.findVolume(volume))));
    }
    long deadline = System.nanoTime() + timeout.toNanos();
    List<Holder> found = new ArrayList<>();
    for (int i = 0; i < asked.size(); i++) {
      try {
        VolumeState v = answers.get(i).get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
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
