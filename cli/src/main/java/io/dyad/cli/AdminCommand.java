package io.dyad.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code dyad admin}: operator commands that change the cluster. */
@Command(name = "admin", mixinStandardHelpOptions = true, description = "Operator commands that change the cluster.",
    subcommands = {AdminInitCommand.class, AdminAddPairCommand.class, AdminFailoverCommand.class,
        AdminFailbackCommand.class, AdminZkAuthCommand.class, AdminDevCaCommand.class, AdminSecretCommand.class})
final class AdminCommand implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "name an admin command: init, failover, failback, zk-auth, dev-ca or secret");
  }
}
