package io.dyad.cli;

import io.dyad.common.DyadException;
import io.dyad.common.access.ClusterSecret;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * {@code dyad admin zk-auth}: prints the ZooKeeper digest identity of the cluster's daemons (derived from the secret),
 * for the rare change by hand under /dyad: {@code addauth digest <it>} in the ZooKeeper CLI.
 */
@Command(name = "zk-auth", mixinStandardHelpOptions = true,
    description = "Print the ZooKeeper identity (user:password) that may change znodes under /dyad in a cluster with "
        + "access control, derived from the cluster secret; for 'addauth digest ...' in the ZooKeeper CLI. Anyone may "
        + "read /dyad without it.")
final class AdminZkAuthCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;
  @Mixin SecurityOptions secret;

  @Override
  public Integer call() throws DyadException {
    LogLevels.forCommand();
    Optional<ClusterSecret> s = secret.load();
    if (s.isEmpty()) {
      throw DyadException.invalidArgument("name the cluster secret with --secret-file or $DYAD_SECRET_FILE");
    }
    spec.commandLine().getOut().println(s.get().zooKeeperDigest());
    spec.commandLine().getOut().flush();
    return ExitCodes.OK;
  }
}
