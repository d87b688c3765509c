package io.dyad.cli;

import io.dyad.common.DyadException;
import io.dyad.common.access.ClusterSecret;
import io.dyad.coordinator.ZkSession;
import io.dyad.coordinator.admin.ClusterDescription;
import io.dyad.coordinator.admin.ClusterDescriptionValidator;
import io.dyad.coordinator.admin.ClusterInit;
import io.dyad.coordinator.admin.ClusterLayout;
import io.dyad.coordinator.model.MemberInfo;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code dyad admin init}: a cluster description into ZooKeeper. */
@Command(name = "init", mixinStandardHelpOptions = true,
    description = "Validate a cluster description (YAML) and write it to ZooKeeper. Example: conf/cluster-example.yaml.")
final class AdminInitCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin ZkOptions zk;

  @Option(names = "--config", required = true, paramLabel = "FILE", description = "The cluster description.")
  Path config;

  @Option(names = "--dry-run", description = "Only validate and show what would be written.")
  boolean dryRun;

  @Option(names = "--secret-file", paramLabel = "FILE",
      description = "Run the cluster with access control, under the secret in FILE (made if missing; copy it to every "
          + "host that runs a DOSM, DDM or directory server). ZooKeeper records only its fingerprint.")
  Path secretFile;

  @Option(names = "--leave-zk-root-open",
      description = "Do not close ZooKeeper's root to creates by others (only for an ensemble shared with other "
          + "applications that create top-level znodes; give Dyad its own ensemble or chroot instead).")
  boolean leaveRootOpen;

  @Option(names = "--tls",
      description = "Every Thrift link of the cluster runs TLS: each daemon then needs --tls-ca, --tls-cert and "
          + "--tls-key, and daemons without them are refused. Without it the links are plain (a warning says so).")
  boolean tls;

  @Override
  public Integer call() throws DyadException {
    LogLevels.forCommand();
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    ClusterDescription description = ClusterDescription.load(config);
    List<String> problems = ClusterDescriptionValidator.problems(description);
    if (!problems.isEmpty()) {
      err.println("dyad: cluster description " + config + " is invalid:");
      problems.forEach(p -> err.println("  - " + p));
      err.flush();
      return ExitCodes.USAGE;
    }
    ClusterLayout layout = ClusterDescriptionValidator.validate(description);
    Optional<ClusterSecret> secret = Optional.empty();
    if (secretFile != null && !dryRun) {
      secret = Optional.of(ClusterSecret.loadOrCreate(secretFile));
      layout = layout.withSecretFingerprint(secret.get().fingerprint());
      out.printf("access control: locators signed with the secret in %s (fingerprint %s); /dyad writable by the "
          + "daemons holding it only%n", secretFile, secret.get().fingerprint());
    }
    if (secretFile == null && !dryRun) {
      err.println("dyad: warning: access control: off (no --secret-file): anyone who reaches a Dyad port can read, "
          + "write and delete objects, and anyone may change /dyad in ZooKeeper");
      err.flush();
    }
    layout = layout.withTls(tls);
    if (tls) {
      out.println("links: TLS on every Thrift link (daemons need --tls-ca, --tls-cert and --tls-key)");
    } else {
      err.println("dyad: warning: links: plain (no --tls): anyone on the network between the members can read and "
          + "alter the cluster's traffic");
      err.flush();
    }
    out.printf("cluster %s: %d centers, %d members, %d pairs%n", layout.cluster().name(),
        layout.cluster().centers().size(), layout.members().size(), layout.pairs().size());
    for (MemberInfo m : layout.generated()) {
      out.printf("  generated member %s in center %s at %s%n", m.id(), m.center(), m.address());
    }
    if (dryRun) {
      out.println("dry run: these znodes would be created, in one transaction:");
      ClusterInit.describe(ClusterInit.plan(layout, java.time.Clock.systemUTC())).forEach(l -> out.println("  " + l));
      out.println("dry run: nothing written");
      out.flush();
      return ExitCodes.OK;
    }
    // with a secret, /dyad is created writable by the identity derived from it (readable by all)
    try (ZkSession session = ZkSession.connect(zk.config(secret))) {
      session.initCluster(layout);
      out.printf("written to ZooKeeper %s under /dyad%n", zk.connectString());
      if (secret.isPresent() && !leaveRootOpen) {
        session.closeRoot().ifPresent(o -> out.println(o.describe()));
      } else {
        err.println("dyad: warning: ZooKeeper's root stays open: anyone who reaches ZooKeeper may create znodes beside "
            + "/dyad and exhaust its memory" + (secret.isEmpty() ? " (there is no cluster secret to give it to)" : ""));
        err.flush();
      }
    }
    out.flush();
    return ExitCodes.OK;
  }
}
