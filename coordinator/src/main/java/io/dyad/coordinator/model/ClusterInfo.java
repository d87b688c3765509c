package io.dyad.coordinator.model;

import java.util.Map;
import java.util.TreeMap;

/**
 * {@code /dyad/cluster}: the cluster's name, layout version and storage centers.
 *
 * @param centers center name (e.g. "A") to its description
 * @param secretFingerprint the fingerprint of the cluster secret locators are signed with, or null if the cluster
 *     runs without access control (never the secret itself)
 * @param tls true if every Thrift link of the cluster runs TLS; null or false: plain (a cluster is all one or the
 *     other, and daemons refuse to start otherwise)
 */
public record ClusterInfo(String name, int layoutVersion, Map<String, CenterInfo> centers, String secretFingerprint,
    Boolean tls) {
  public static final int LAYOUT_VERSION = 1;

  public ClusterInfo {
    centers = centers == null ? Map.of() : new TreeMap<>(centers);
  }

  /** A cluster without access control. */
  public ClusterInfo(String name, int layoutVersion, Map<String, CenterInfo> centers) {
    this(name, layoutVersion, centers, null, null);
  }

  public ClusterInfo withSecretFingerprint(String fingerprint) {
    return new ClusterInfo(name, layoutVersion, centers, fingerprint, tls);
  }

  public ClusterInfo withTls(boolean on) {
    return new ClusterInfo(name, layoutVersion, centers, secretFingerprint, on);
  }

  /** Whether the cluster's Thrift links run TLS. */
  public boolean runsTls() {
    return Boolean.TRUE.equals(tls);
  }

  /**
   * A storage center. {@code subnet} (CIDR, e.g. "127.0.1.0/24") may be null; {@code multicast} is the
   * center's "who has this object?" group, GROUP:PORT (e.g. "239.255.0.1:9301"), or null if the center is
   * searched point-to-point only.
   */
  public record CenterInfo(String subnet, String multicast) {}
}
