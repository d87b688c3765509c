package io.dyad.ddm.gateway;

import static com.google.common.base.Preconditions.checkArgument;
import static java.util.Objects.requireNonNull;

import io.dyad.search.MulticastSettings;
import java.time.Duration;

/**
 * How a DDM searches for the directory servers holding a volume it has no usable record of (claims 27-30).
 *
 * @param mode {@link #MULTICAST} (one datagram to each center's group) or {@link #POINT_TO_POINT} (a
 *     {@code findVolume} call to each directory server of the center)
 * @param multicast interface and TTL of the datagrams
 * @param timeout how long one center's search waits for answers
 */
public record VolumeSearchConfig(String mode, MulticastSettings multicast, Duration timeout) {
  public static final String MULTICAST = "multicast";
  public static final String POINT_TO_POINT = "point-to-point";

  public VolumeSearchConfig {
    requireNonNull(mode, "mode");
    requireNonNull(multicast, "multicast");
    requireNonNull(timeout, "timeout");
    checkArgument(mode.equals(MULTICAST) || mode.equals(POINT_TO_POINT),
        "search mode must be multicast or point-to-point, was '%s'", mode);
    checkArgument(!timeout.isNegative() && !timeout.isZero(), "the search timeout must be positive");
  }

  /** Point-to-point, 300 ms per center. */
  public static VolumeSearchConfig pointToPoint() {
    return new VolumeSearchConfig(POINT_TO_POINT, MulticastSettings.loopback(), Duration.ofMillis(300));
  }
}
