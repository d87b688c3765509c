package io.dyad.coordinator.failover;

import static com.google.common.base.Preconditions.checkArgument;
import static java.util.Objects.requireNonNull;

import java.time.Duration;

/**
 * A coordinator's settings. Immutable.
 *
 * @param id this coordinator's id (shown as the leader, written as "decidedBy")
 * @param grace how long a member's liveness must stay gone before it is failed over (a member that comes
 *     back within it is not failed over)
 */
public record CoordinatorConfig(String id, Duration grace) {
  public CoordinatorConfig {
    requireNonNull(id, "id");
    requireNonNull(grace, "grace");
    checkArgument(!id.isBlank(), "coordinator id is empty");
    checkArgument(!grace.isNegative(), "grace must not be negative");
  }
}
