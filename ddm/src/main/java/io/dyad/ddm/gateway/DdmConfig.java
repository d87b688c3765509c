package io.dyad.ddm.gateway;

import static com.google.common.base.Preconditions.checkArgument;
import static java.util.Objects.requireNonNull;

import io.dyad.common.access.ClusterSecret;
import io.dyad.rpc.ThriftClientConfig;
import io.dyad.rpc.server.ThriftServerConfig;
import java.time.Duration;
import java.util.Optional;

/**
 * Everything a DDM needs to run. Immutable.
 *
 * @param instance its id under /dyad/ddm
 * @param server where and how the FileSystem service listens
 * @param clients how it connects to directory servers and DOSMs
 * @param patience how long a request keeps trying (through a failover) before the caller gets Unavailable
 * @param locatorLife how long a read locator from open works
 * @param uploadLife how long an upload (and its write locator) may take before it is abandoned
 * @param garbageGrace how long objects of replaced or deleted files are kept, for new volumes: longer than a
 *     locator's life, so a reader holding a valid locator never finds its object gone
 * @param secret the cluster secret locators are signed with; empty in a cluster without access control
 * @param search how volumes without a usable record are searched for
 */
public record DdmConfig(String instance, ThriftServerConfig server, ThriftClientConfig clients, Duration patience,
    Duration locatorLife, Duration uploadLife, Duration garbageGrace, Optional<ClusterSecret> secret,
    VolumeSearchConfig search) {

  public DdmConfig {
    requireNonNull(instance, "instance");
    requireNonNull(server, "server");
    requireNonNull(clients, "clients");
    requireNonNull(secret, "secret");
    requireNonNull(search, "search");
    checkArgument(!patience.isNegative() && !patience.isZero(), "patience must be positive");
    checkArgument(garbageGrace.compareTo(locatorLife) > 0 && garbageGrace.compareTo(uploadLife) > 0,
        "the garbage grace (%s) must be longer than a locator's life (%s) and an upload's (%s)", garbageGrace,
        locatorLife, uploadLife);
  }

  /**
   * Defaults: connections to directory servers and DOSMs with the server's TLS settings, 15 s of patience, 15-minute read locators, 1-hour uploads, 2 hours of garbage grace, point-to-point
   * volume search.
   */
  public static DdmConfig defaults(String instance, ThriftServerConfig server, Optional<ClusterSecret> secret) {
    return new DdmConfig(instance, server,
        ThriftClientConfig.defaults().withRequestTimeout(Duration.ofSeconds(10)).withTls(server.tls()),
        Duration.ofSeconds(15), Duration.ofMinutes(15), Duration.ofHours(1), Duration.ofHours(2), secret,
        VolumeSearchConfig.pointToPoint());
  }

  /** This configuration with another way of searching for volumes. */
  public DdmConfig withSearch(VolumeSearchConfig s) {
    return new DdmConfig(instance, server, clients, patience, locatorLife, uploadLife, garbageGrace, secret, s);
  }
}
