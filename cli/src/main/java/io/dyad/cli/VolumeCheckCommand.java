package io.dyad.cli;

import com.google.common.net.HostAndPort;
import io.dyad.common.DyadException;
import io.dyad.common.ErrorCode;
import io.dyad.coordinator.model.PairInfo;
import io.dyad.coordinator.model.VolumeInfo;
import io.dyad.coordinator.view.ClusterSnapshot;
import io.dyad.directory.api.DirectoryClient;
import io.dyad.rpc.ThriftClientConfig;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/**
 * {@code dyad volume check}: asks both directory servers of each volume's pair for a digest of a full scan of the
 * volume (everything but its log) at the same change, and says whether the two are identical.
 */
@Command(name = "check", mixinStandardHelpOptions = true,
    description = "Compare the two directories of each volume (or of the volumes named): a digest of a full scan of "
        + "each, taken at the same change. Exit 0 if all are identical, 1 if any differ, 4 if a directory could not "
        + "be checked, 3 if a volume has no record. In a cluster with access control it needs the cluster secret "
        + "(--secret-file or $DYAD_SECRET_FILE).")
final class VolumeCheckCommand implements Callable<Integer> {
  private static final int TRIES = 10;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;
  @Mixin ZkOptions zk;
  @Mixin SecurityOptions secret;

  @Parameters(paramLabel = "VOLUME", arity = "0..*", description = "Volumes to check (default: all).")
  List<String> names = new ArrayList<>();

  /** One directory's view of a volume: its last change and the digest taken at it, or why there is none. */
  record Reading(String member, long seq, String digest, String problem) {}

  @Override
  public Integer call() throws DyadException, InterruptedException {
    LogLevels.forCommand();
    PrintWriter out = spec.commandLine().getOut();
    boolean different = false;
    boolean unchecked = false;
    boolean missing = false;
    // the directory servers serve digests to Dyad daemons and operators holding the cluster secret only
    ThriftClientConfig credentials = ThriftClientConfig.defaults().withRequestTimeout(Duration.ofSeconds(60))
        .withCredential("dyad volume check", secret.load()).withTls(secret.tls.load());
    try (ClusterSession cluster = ClusterSession.open(zk.config())) {
      ClusterSnapshot s = cluster.snapshot();
      List<String> volumes = names.isEmpty() ? List.copyOf(s.volumes().keySet()) : names;
      out.printf("%-20s %-8s %-34s %-34s %s%n", "VOLUME", "PAIR", "FIRST (seq digest)", "SECOND (seq digest)",
          "RESULT");
      for (String volume : volumes) {
        VolumeInfo v = s.volumes().get(volume);
        PairInfo pair = v == null ? null : s.pairs().get(v.directoryPair());
        if (pair == null) {
          out.printf("%-20s %-8s %s%n", volume, "-", "no record of this volume (or of its pair)");
          missing = true;
          continue;
        }
        Reading[] r = compare(volume, s, pair, credentials);
        String result;
        if (r[0].problem() != null || r[1].problem() != null) {
          result = "NOT CHECKED";
          unchecked = true;
        } else if (r[0].seq() != r[1].seq()) {
          result = "NOT CHECKED (changes kept arriving)";
          unchecked = true;
        } else if (r[0].digest().equals(r[1].digest())) {
          result = "IDENTICAL";
        } else {
          result = "DIFFERENT";
          different = true;
        }
        out.printf("%-20s %-8s %-34s %-34s %s%n", volume, pair.id(), show(r[0]), show(r[1]), result);
        out.flush();
      }
    }
    // a real difference outranks a directory that could not be checked
    return different ? ExitCodes.FAILURE : unchecked ? ExitCodes.of(ErrorCode.UNAVAILABLE)
        : missing ? ExitCodes.of(ErrorCode.NOT_FOUND) : ExitCodes.OK;
  }

  private static String show(Reading r) {
    return r.problem() != null ? r.member() + " " + r.problem()
        : r.member() + " " + r.seq() + " " + r.digest().substring(0, 16);
  }

  /** Readings of both members at the same change, trying again while changes arrive in between. */
  private static Reading[] compare(String volume, ClusterSnapshot s, PairInfo pair, ThriftClientConfig config)
      throws InterruptedException {
    Reading[] r = new Reading[2];
    for (int attempt = 0; attempt < TRIES; attempt++) {
      r[0] = read(volume, pair.a(), pair.aAddress(), config);
      r[1] = read(volume, pair.b(), pair.bAddress(), config);
      if (r[0].problem() != null || r[1].problem() != null || r[0].seq() == r[1].seq()) {
        return r;
      }
      TimeUnit.MILLISECONDS.sleep(200);
    }
    return r;
  }

  /** The member's digest of the volume, taken while its last change stayed the same. */
  private static Reading read(String volume, String member, String address, ThriftClientConfig config) {
    try (DirectoryClient c = DirectoryClient.connect(HostAndPort.fromString(address), config)) {
      for (int attempt = 0; attempt < TRIES; attempt++) {
        long before = c.findVolume(volume).getLastSeq();
        String digest = c.digest(volume);
        if (c.findVolume(volume).getLastSeq() == before) {
          return new Reading(member, before, digest, null);
        }
      }
      return new Reading(member, -1, null, "(changes kept arriving)");
    } catch (DyadException e) {
      return new Reading(member, -1, null, "(" + e.code() + ": " + e.getMessage() + ")");
    }
  }
}
