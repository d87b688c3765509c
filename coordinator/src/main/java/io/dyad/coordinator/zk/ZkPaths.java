package io.dyad.coordinator.zk;

/**
 * Dyad's znodes, relative to the namespace root ({@code /dyad} by default; the Curator client is built with
 * that namespace, so these paths omit it). docs/zookeeper.md describes each one.
 */
public final class ZkPaths {
  public static final String NAMESPACE = "dyad";

  public static final String CLUSTER = "/cluster";
  public static final String MEMBERS = "/members";
  public static final String LIVE = "/live";
  public static final String PAIRS = "/pairs";
  public static final String FAILOVER = "/failover";
  public static final String VOLUMES = "/volumes";
  public static final String DOSM = "/dosm";
  public static final String DDM = "/ddm";
  public static final String ELECTION = "/election";
  public static final String COORDINATOR_LATCH = "/election/coordinator";
  public static final String REBALANCER_LATCH = "/election/rebalancer";
  public static final String REBALANCE = "/rebalance";
  public static final String EPOCH = "/epoch";
  public static final String RESYNC = "/resync";
  public static final String ADMITTED = "/admitted";
  public static final String ADMIN = "/admin";
  public static final String ADMIN_HOLDS = "/admin/failover";

  /** Parents created by {@code dyad admin init}, so that no role has to create structure. */
  public static final String[] PARENTS = {MEMBERS, LIVE, PAIRS, FAILOVER, VOLUMES, DOSM, DDM, ELECTION,
      COORDINATOR_LATCH, RESYNC, ADMITTED, ADMIN, ADMIN_HOLDS};

  private ZkPaths() {}

  public static String member(String id) {
    return MEMBERS + "/" + id;
  }

  public static String live(String id) {
    return LIVE + "/" + id;
  }

  public static String pair(String id) {
    return PAIRS + "/" + id;
  }

  public static String failover(String member) {
    return FAILOVER + "/" + member;
  }

  public static String resync(String member) {
    return RESYNC + "/" + member;
  }

  public static String admitted(String member) {
    return ADMITTED + "/" + member;
  }

  public static String adminHold(String member) {
    return ADMIN_HOLDS + "/" + member;
  }

  public static String dosm(String instance) {
    return DOSM + "/" + instance;
  }

  public static String volume(String name) {
    return VOLUMES + "/" + name;
  }

  public static String ddm(String instance) {
    return DDM + "/" + instance;
  }

  /** The last element of a path. */
  public static String name(String path) {
    return path.substring(path.lastIndexOf('/') + 1);
  }

  /** The parent of a path ("/" for top-level nodes). */
  public static String parent(String path) {
    int i = path.lastIndexOf('/');
    return i <= 0 ? "/" : path.substring(0, i);
  }
}
