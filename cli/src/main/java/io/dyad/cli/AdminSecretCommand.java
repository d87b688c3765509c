package io.dyad.cli;

import io.dyad.common.DyadException;
import io.dyad.common.access.ClusterSecret;
import io.dyad.common.access.SecretRotation;
import io.dyad.coordinator.ZkSession;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * {@code dyad admin secret new|add|promote|retire}: makes the cluster secret, and rotates it without stopping the
 * cluster (see {@link SecretRotation} for the steps).
 */
@Command(name = "secret", mixinStandardHelpOptions = true,
    description = {"Make the cluster secret, or rotate it without downtime: add, copy the file to every host and "
        + "restart each daemon; promote, copy and restart again; once the old locators have expired, retire, copy "
        + "and restart, and retire once more."},
    subcommands = {AdminSecretCommand.New.class, AdminSecretCommand.Add.class, AdminSecretCommand.Promote.class,
        AdminSecretCommand.Retire.class})
final class AdminSecretCommand implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "name a step: new, add, promote or retire");
  }

  /** The secret file named by the options or $DYAD_SECRET_FILE. */
  static Path file(SecurityOptions security) throws DyadException {
    return security.path().orElseThrow(() -> DyadException.invalidArgument(
        "name the cluster secret file with --secret-file or $DYAD_SECRET_FILE"));
  }

  @Command(name = "new", mixinStandardHelpOptions = true,
      description = {"Make a new cluster secret file (readable by its owner only); an existing file is never "
          + "overwritten."})
  static final class New implements Callable<Integer> {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;
    @Mixin SecurityOptions security;

    @Override
    public Integer call() throws DyadException {
      LogLevels.forCommand();
      Path f = file(security);
      ClusterSecret s = ClusterSecret.create(f);
      print(spec, "made %s (fingerprint %s); give it to dyad admin init --secret-file and copy it to every host", f,
          s.fingerprint());
      return ExitCodes.OK;
    }
  }

  @Command(name = "add", mixinStandardHelpOptions = true,
      description = {"Rotation, step 1: add a new secret after the current one. Daemons given the file sign with the "
          + "current secret and accept both."})
  static final class Add implements Callable<Integer> {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;
    @Mixin SecurityOptions security;

    @Override
    public Integer call() throws DyadException {
      LogLevels.forCommand();
      Path f = file(security);
      ClusterSecret s = SecretRotation.add(f);
      print(spec, "%s holds the current secret (%s, still signing) and a new one (%s).%nNext: copy it to every host, "
          + "restart each daemon one at a time, then run dyad admin secret promote", f, s.fingerprints().get(0),
          s.fingerprints().get(1));
      return ExitCodes.OK;
    }
  }

  @Command(name = "promote", mixinStandardHelpOptions = true,
      description = {"Rotation, step 2: the cluster signs with the new secret (ZooKeeper records it, and both "
          + "secrets' identities may change /dyad); the file then lists it first."})
  static final class Promote implements Callable<Integer> {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;
    @Mixin SecurityOptions security;
    @Mixin ZkOptions zk;

    @Override
    public Integer call() throws DyadException {
      LogLevels.forCommand();
      Path f = file(security);
      ClusterSecret both = ClusterSecret.load(f);
      if (both.fingerprints().size() != 2) {
        throw DyadException.invalidArgument(f + " holds one secret: nothing to promote (run dyad admin secret add "
            + "first)");
      }
      int znodes;
      try (ZkSession session = ZkSession.connect(zk.config(Optional.of(both)))) {
        znodes = session.promoteSecret(both.promoted());
      }
      ClusterSecret s = SecretRotation.promote(f);
      print(spec, "cluster signs with %s now; %d znodes writable by both secrets' identities; %s lists it first."
          + "%nNext: copy it to every host and restart each daemon one at a time; once locators signed before have "
          + "expired (read locators 15 min, uploads 1 h), run dyad admin secret retire", s.fingerprint(), znodes, f);
      return ExitCodes.OK;
    }
  }

  @Command(name = "retire", mixinStandardHelpOptions = true,
      description = {"Rotation, step 3: drop the old secret from the file and let only the new one's identity change "
          + "/dyad. Run it again once every daemon restarted with the new file (it is idempotent)."})
  static final class Retire implements Callable<Integer> {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;
    @Mixin SecurityOptions security;
    @Mixin ZkOptions zk;

    @Override
    public Integer call() throws DyadException {
      LogLevels.forCommand();
      Path f = file(security);
      ClusterSecret before = ClusterSecret.load(f);
      int znodes;
      try (ZkSession session = ZkSession.connect(zk.config(Optional.of(before)))) {
        ClusterSecret s = SecretRotation.retire(f);
        znodes = session.retireSecret(s);
      }
      print(spec, "%s holds only %s; %d znodes writable by its identity alone.%nNext: copy it to every host, restart "
          + "each daemon one at a time, and run dyad admin secret retire once more", f, before.fingerprint(), znodes);
      return ExitCodes.OK;
    }
  }

  private static void print(CommandLine.Model.CommandSpec spec, String format, Object... args) {
    PrintWriter out = spec.commandLine().getOut();
    out.printf(format + "%n", args);
    out.flush();
  }
}
