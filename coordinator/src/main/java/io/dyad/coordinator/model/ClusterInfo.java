package io.dyad.coordinator.model;

import java.util.Map;
import java.util.TreeMap;

/**
 * {@code /dyad/cluster}: the cluster's name, layout version and storage centers.
 *
 * @param centers center name (e.g. "A") to its description
 */
public record ClusterInfo(String name, int layoutVersion, Map<String, CenterInfo> centers) {
  public static final int LAYOUT_VERSION = 1;

  public ClusterInfo {
    centers = centers == null ? Map.of() : new TreeMap<>(centers);
  }

  /**
   * A storage center. {@code subnet} (CIDR, e.g. "127.0.1.0/24") may be null; {@code multicast} is the
   * center's "who has this object?" group, GROUP:PORT (e.g. "239.255.0.1:9301"), or null if the center is
   * searched point-to-point only.
   */
  public record CenterInfo(String subnet, String multicast) {}
}
