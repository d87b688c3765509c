package io.dyad.dosm;

import com.google.common.net.HostAndPort;
import io.dyad.common.DyadException;
import io.dyad.common.ObjectId;
import io.dyad.common.Presence;
import io.dyad.coordinator.model.MemberInfo;
import io.dyad.coordinator.model.MemberKind;
import io.dyad.coordinator.view.ClusterSnapshot;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Search by asking every live storage node of a center {@code has(id)} in parallel (claims 10 and 20). */
public final class PointToPointSearch implements ObjectSearch {
  private final NodeLink nodes;
  private final ExecutorService executor;
  private final Duration timeout;

  PointToPointSearch(NodeLink nodes, ExecutorService executor, Duration timeout) {
    this.nodes = nodes;
    this.executor = executor;
    this.timeout = timeout;
  }

  @Override
  public List<Found> search(ObjectId id, String center, ClusterSnapshot s, Set<String> exclude, boolean firstOnly)
      throws InterruptedException {
    List<MemberInfo> asked = new ArrayList<>();
    List<CompletableFuture<Presence>> answers = new ArrayList<>();
    for (MemberInfo m : s.members().values()) {
      if (m.kind() != MemberKind.STORAGE || !m.center().equals(center) || exclude.contains(m.id()) || !s.isLive(m.id())) {
        continue;
      }
      asked.add(m);
      answers.add(CompletableFuture.supplyAsync(() -> ask(m, id, s.epoch()), executor));
    }
    List<Found> found = new ArrayList<>();
    long deadline = System.nanoTime() + timeout.toNanos();
    for (int i = 0; i < asked.size(); i++) {
      try {
        Presence p = answers.get(i).get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        if (p != Presence.ABSENT) {
          found.add(new Found(asked.get(i).id(), center, p));
          if (firstOnly) {
            break;
          }
        }
      } catch (TimeoutException | java.util.concurrent.ExecutionException e) {
        answers.get(i).cancel(true);
      }
    }
    return found;
  }

  private Presence ask(MemberInfo m, ObjectId id, long epoch) {
    try {
      return nodes.has(HostAndPort.fromString(m.address()), id, epoch);
    } catch (DyadException e) {
      return Presence.ABSENT;
    }
  }

  @Override
  public String mode() {
    return "point-to-point";
  }

  @Override
  public void close() {}
}
