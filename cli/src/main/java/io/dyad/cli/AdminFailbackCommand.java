package io.dyad.cli;

import io.dyad.common.DyadException;
import io.dyad.common.ErrorCode;
import io.dyad.coordinator.admin.FailoverRequests;
import io.dyad.coordinator.model.FailoverInfo;
import io.dyad.coordinator.model.FailoverState;
import io.dyad.coordinator.view.ClusterSnapshot;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code dyad admin failback}: leave the failover condition entered by hand. */
@Command(name = "failback", mixinStandardHelpOptions = true,
    description = "End a failover entered with 'dyad admin failover': the member resyncs from its partner and is then "
        + "failed back by the coordinator.")
final class AdminFailbackCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin SecurityOptions secret;
  @Mixin ZkOptions zk;
  @Mixin MemberSelection selection;

  @Option(names = "--wait-seconds", defaultValue = "30",
      description = "How long to wait for resync to start (default: ${DEFAULT-VALUE}; 0: do not wait).")
  long waitSeconds;

  @Override
  public Integer call() throws Exception {
    LogLevels.forCommand();
    PrintWriter out = spec.commandLine().getOut();
    try (ClusterSession cluster = ClusterSession.open(zk.config(secret.load()))) {
      FailoverRequests requests = cluster.zk.failoverRequests();
      List<String> members = selection.resolve(requests);
      for (String m : members) {
        if (!requests.release(m)) {
          out.printf("%s had no failover requested by an operator%n", m);
        }
      }
      if (waitSeconds == 0) {
        return ExitCodes.OK;
      }
      boolean moved = cluster.await(s -> members.stream().allMatch(m -> leftFailedOver(s, m)),
          Duration.ofSeconds(waitSeconds));
      for (String m : members) {
        ClusterSnapshot s = cluster.snapshot();
        FailoverInfo f = s.failovers().get(m);
        if (f == null) {
          out.printf("%s: serving%n", m);
        } else if (f.state() == FailoverState.RESYNCING) {
          out.printf("%s: RESYNCING from %s; the coordinator fails it back once it has caught up%n", m, f.servedBy());
        } else {
          out.printf("%s: still FAILED_OVER%s%n", m, s.isLive(m) ? "" : " (it is not live; it resyncs when it returns)");
        }
      }
      out.flush();
      if (!moved && members.stream().anyMatch(m -> cluster.snapshot().isLive(m))) {
        throw new DyadException(ErrorCode.UNAVAILABLE, "failback did not start within " + waitSeconds
            + " s; is a coordinator running?");
      }
      return ExitCodes.OK;
    }
  }

  private static boolean leftFailedOver(ClusterSnapshot s, String member) {
    FailoverInfo f = s.failovers().get(member);
    return f == null || f.state() == FailoverState.RESYNCING || !s.isLive(member);
  }
}
