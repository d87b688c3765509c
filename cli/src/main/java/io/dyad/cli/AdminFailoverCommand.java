package io.dyad.cli;

import io.dyad.common.DyadException;
import io.dyad.common.ErrorCode;
import io.dyad.coordinator.admin.FailoverRequests;
import io.dyad.coordinator.model.FailoverInfo;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code dyad admin failover}: enter the failover condition by hand. */
@Command(name = "failover", mixinStandardHelpOptions = true,
    description = "Fail a member (or every member of a center) over to its partner, for maintenance or disaster. "
        + "It stays failed over until 'dyad admin failback'.")
final class AdminFailoverCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin SecurityOptions secret;
  @Mixin ZkOptions zk;
  @Mixin MemberSelection selection;

  @Option(names = "--reason", defaultValue = "maintenance", description = "Recorded with the failover (default: ${DEFAULT-VALUE}).")
  String reason;

  @Option(names = "--wait-seconds", defaultValue = "30",
      description = "How long to wait for the coordinator to act (default: ${DEFAULT-VALUE}; 0: do not wait).")
  long waitSeconds;

  @Override
  public Integer call() throws Exception {
    LogLevels.forCommand();
    PrintWriter out = spec.commandLine().getOut();
    try (ClusterSession cluster = ClusterSession.open(zk.config(secret.load()))) {
      FailoverRequests requests = cluster.zk.failoverRequests();
      List<String> members = selection.resolve(requests);
      requests.hold(members, reason, System.getProperty("user.name", "operator"));
      out.printf("failover requested for %s%n", String.join(", ", members));
      out.flush();
      if (waitSeconds == 0) {
        return ExitCodes.OK;
      }
      boolean done = cluster.await(s -> members.stream().allMatch(m -> s.failovers().containsKey(m)),
          Duration.ofSeconds(waitSeconds));
      for (String m : members) {
        FailoverInfo f = cluster.snapshot().failovers().get(m);
        out.println(f == null ? m + ": not failed over yet"
            : String.format("%s: %s, served by %s (epoch %d)", m, f.state(), f.servedBy(), f.epoch()));
      }
      out.flush();
      if (!done) {
        throw new DyadException(ErrorCode.UNAVAILABLE, "the failover was not declared within " + waitSeconds
            + " s; is a coordinator running, and is each partner serving? The request stays in place");
      }
      return ExitCodes.OK;
    }
  }
}
