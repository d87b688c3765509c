package io.dyad.coordinator.admin;

import io.dyad.coordinator.model.ClusterInfo;
import io.dyad.coordinator.model.MemberInfo;
import io.dyad.coordinator.model.PairInfo;
import java.util.List;

/**
 * A validated cluster, ready to be written: the cluster record, every member (declared or generated) and
 * every pair with its address mapping.
 *
 * @param generated the members that were derived from their partners rather than declared
 */
public record ClusterLayout(ClusterInfo cluster, List<MemberInfo> members, List<PairInfo> pairs,
    List<MemberInfo> generated) {

  /** The same cluster, with access control under the secret of this fingerprint. */
  public ClusterLayout withSecretFingerprint(String fingerprint) {
    return new ClusterLayout(cluster.withSecretFingerprint(fingerprint), members, pairs, generated);
  }

  /** The same cluster, with TLS on every Thrift link (or not). */
  public ClusterLayout withTls(boolean on) {
    return new ClusterLayout(cluster.withTls(on), members, pairs, generated);
  }
}
