package io.dyad.cli;

import io.dyad.common.DyadException;
import io.dyad.common.ErrorCode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code dyad local}: the whole object cluster on this machine, in one command. */
@Command(name = "local", mixinStandardHelpOptions = true,
    description = "Run a whole Dyad cluster on this machine: an embedded ZooKeeper, center A on 127.0.1.x and "
        + "center B on 127.0.2.x with three storage nodes and two directory servers each, a coordinator, two DOSMs "
        + "and two DDMs, with access control under the secret in DATA/secret. Prints the environment the other commands "
        + "need on its ready line. With --kill or --revive, acts on the dyad local already running on DATA instead.")
final class LocalCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin DosmOptions dosm;

  @Option(names = "--data", defaultValue = "${env:DYAD_LOCAL_DATA:-dyad-local}",
      description = "Where everything is kept (default: $DYAD_LOCAL_DATA, else dyad-local).")
  Path data;

  @Option(names = "--zk-port", defaultValue = "2181", description = "ZooKeeper's port (default: ${DEFAULT-VALUE}).")
  int zkPort;

  @Option(names = "--node-port", defaultValue = "9100", description = "Every storage node's port (default: ${DEFAULT-VALUE}).")
  int nodePort;

  @Option(names = "--directory-port", defaultValue = "9110",
      description = "Every directory server's port (default: ${DEFAULT-VALUE}).")
  int directoryPort;

  @Option(names = "--dosm-port", defaultValue = "9200", description = "The first DOSM's port on 127.0.0.1 (default: ${DEFAULT-VALUE}).")
  int dosmPort;

  @Option(names = "--ddm-port", defaultValue = "9300", description = "The first DDM's port on 127.0.0.1 (default: ${DEFAULT-VALUE}).")
  int ddmPort;

  @Option(names = "--no-tls",
      description = "Plain links instead of TLS (for a new cluster; an existing one keeps what it was started with).")
  boolean noTls;

  @Option(names = "--node-processes",
      description = "Run storage nodes and directory servers as separate processes (so that one can be killed).")
  boolean nodeProcesses;

  @Option(names = "--zk-session-ms", defaultValue = "" + LocalCluster.DEFAULT_SESSION_MS,
      description = "The storage nodes' and directory servers' ZooKeeper session timeout: how soon a crashed member "
          + "is noticed (default: ${DEFAULT-VALUE}).")
  long sessionMs;

  @Option(names = "--grace-ms", defaultValue = "" + LocalCluster.DEFAULT_GRACE_MS,
      description = "How long the coordinator waits after a member's session ended before it fails the member over "
          + "(default: ${DEFAULT-VALUE}).")
  long graceMs;

  @Option(names = "--gateways", defaultValue = "2",
      description = "How many DOSMs, on --dosm-port and the ports after it (default: ${DEFAULT-VALUE}).")
  int gateways;

  @Option(names = "--ddms", defaultValue = "2",
      description = "How many DDMs, on --ddm-port and the ports after it (default: ${DEFAULT-VALUE}).")
  int ddms;

  @Option(names = "--kill", paramLabel = "MEMBER",
      description = "Crash a member of the dyad local running on --data (a storage node a1..b3, a directory server "
          + "da1..db2, a DOSM local-dosm, local-dosm-2, a DDM local-ddm, local-ddm-2) and return.")
  String kill;

  @Option(names = "--revive", paramLabel = "MEMBER",
      description = "Start a member killed with --kill again; returns once it serves.")
  String revive;

  @Override
  public Integer call() throws DyadException {
    if (kill != null || revive != null) {
      return control();
    }
    if (gateways < 1 || gateways > 9) {
      throw DyadException.invalidArgument("--gateways must be 1 to 9, not " + gateways);
    }
    if (ddms < 1 || ddms > 9) {
      throw DyadException.invalidArgument("--ddms must be 1 to 9, not " + ddms);
    }
    if (sessionMs < 1000 || sessionMs > 60_000) {
      throw DyadException.invalidArgument("--zk-session-ms must be 1000 to 60000, not " + sessionMs);
    }
    if (graceMs < 0 || graceMs > 60_000) {
      throw DyadException.invalidArgument("--grace-ms must be 0 to 60000, not " + graceMs);
    }
    LogLevels.forDaemon();
    LocalCluster cluster = new LocalCluster(new LocalCluster.Options(data.toAbsolutePath(), zkPort, nodePort,
        directoryPort, dosmPort, ddmPort, dosm, nodeProcesses, Duration.ofMillis(sessionMs), Duration.ofMillis(graceMs),
        nodeProcesses, !noTls).withGateways(gateways).withDdms(ddms),
        spec.commandLine().getOut());
    LocalControl control = new LocalControl(data.toAbsolutePath(), (verb, member) -> {
      if (!cluster.isRunning()) {
        throw new DyadException(ErrorCode.UNAVAILABLE, "dyad local is still starting (or stopping); try again");
      }
      try {
        return verb.equals("kill") ? cluster.kill(member) : cluster.revive(member);
      } catch (DyadException e) {
        throw e;
      } catch (Exception e) {
        throw new DyadException(ErrorCode.UNAVAILABLE, "cannot " + verb + " " + member + ": " + CliErrors.describe(e), e);
      }
    });
    return DaemonRunner.run("local", List.of(cluster, control), () -> {
      // the line a user copies: the shell assignments every other command reads
      spec.commandLine().getOut().printf("dyad local ready: export %s%n", cluster.exports());
      spec.commandLine().getOut().flush();
    }, spec.commandLine().getErr());
  }

  /** {@code --kill} / {@code --revive}: asks the running dyad local, prints its answer. */
  private int control() throws DyadException {
    if (kill != null && revive != null) {
      throw DyadException.invalidArgument("give --kill or --revive, not both");
    }
    String answer = LocalControl.send(data.toAbsolutePath(), kill != null ? "kill" : "revive",
        kill != null ? kill : revive, Duration.ofSeconds(150));
    spec.commandLine().getOut().println(answer);
    spec.commandLine().getOut().flush();
    return ExitCodes.OK;
  }
}
