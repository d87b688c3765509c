package io.dyad.directory.server;

import com.google.common.util.concurrent.AbstractScheduledService;
import io.dyad.common.DyadException;
import io.dyad.directory.namespace.NamespaceStore;
import io.dyad.thrift.VolumeState;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps each volume's change log to its newest {@code retain} changes, so the log does not grow without end. A
 * partner that falls further behind than that is rebuilt from a snapshot instead of the log.
 */
final class LogTrimmer extends AbstractScheduledService {
  private static final Logger LOG = LoggerFactory.getLogger(LogTrimmer.class);

  private final NamespaceStore store;
  private final long retain;
  private final Duration every;

  LogTrimmer(NamespaceStore store, long retain, Duration every) {
    this.store = store;
    this.retain = retain;
    this.every = every;
  }

  @Override
  protected void runOneIteration() {
    try {
      for (VolumeState v : store.volumeStates()) {
        if (v.getLastSeq() - v.getFirstLogSeq() + 1 > retain) {
          store.trimLog(v.getVolume(), retain);
        }
      }
    } catch (DyadException e) {
      LOG.warn("trimming the change logs failed, will retry: {}", e.getMessage());
    }
  }

  @Override
  protected Scheduler scheduler() {
    return Scheduler.newFixedDelaySchedule(every, every);
  }
}
