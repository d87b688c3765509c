package io.dyad.dosm;

import java.time.Duration;

/**
 * How the rebalancer works.
 *
 * @param bytesPerSecond the most object bytes it reads from old pairs per second (each chunk read is written to
 *     both members of the new pair)
 * @param pageSize inventory entries per page: progress is recorded after each
 * @param interval the pause between pages (and how often an idle rebalancer looks for a change)
 * @param settle how long after a change of the storage pairs the first move waits, so that every member and DOSM
 *     has seen the new epoch and refuses or stops routing to the old placement
 */
public record RebalanceSettings(long bytesPerSecond, int pageSize, Duration interval, Duration settle) {
  public RebalanceSettings {
    if (bytesPerSecond <= 0 || pageSize < 1 || pageSize > 10_000) {
      throw new IllegalArgumentException("rebalance rate must be positive and the page size 1..10000");
    }
  }

  /** {@code mibPerSecond} MiB/s, pages of 1000 entries, 200 ms apart, 5 s of settling. */
  public static RebalanceSettings of(long mibPerSecond) {
    return new RebalanceSettings(mibPerSecond << 20, 1000, Duration.ofMillis(200), Duration.ofSeconds(5));
  }
}
