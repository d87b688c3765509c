package io.dyad.dosm;

import static com.google.common.base.Preconditions.checkArgument;
import static java.util.Objects.requireNonNull;

import java.time.Duration;

/**
 * How many puts a DOSM lets its clients hold open, and for how long (see {@link PutSessions}). Immutable; ranges
 * are checked on construction.
 *
 * @param idleTimeout a put without a chunk for this long is aborted
 * @param idleTimeoutUnderPressure the same once half of {@code maxOpen} are open, and for the puts of an address at
 *     its bound before it is refused
 * @param maxOpen puts open at once on the DOSM
 * @param maxPerConnection puts one client connection may have open
 * @param maxPerAddress puts the connections of one client address may have open together
 */
public record PutLimits(Duration idleTimeout, Duration idleTimeoutUnderPressure, int maxOpen, int maxPerConnection,
    int maxPerAddress) {

  public PutLimits {
    requireNonNull(idleTimeout, "idleTimeout");
    requireNonNull(idleTimeoutUnderPressure, "idleTimeoutUnderPressure");
    checkArgument(idleTimeout.toMillis() >= 1 && idleTimeoutUnderPressure.toMillis() >= 1,
        "put idle timeouts must be positive");
    checkArgument(maxOpen >= 1, "maxOpen must be at least 1");
    checkArgument(maxPerConnection >= 1, "maxPerConnection must be at least 1");
    checkArgument(maxPerAddress >= 1, "maxPerAddress must be at least 1");
  }

  /** 2 minutes idle (15 s under pressure), 4096 open, 64 per connection, 256 per address. */
  public static PutLimits defaults() {
    return new PutLimits(Duration.ofMinutes(2), Duration.ofSeconds(15), 4096, 64, 256);
  }
}
