package io.dyad.ddm.gateway;

import com.google.common.cache.Cache;
import com.google.common.cache.CacheBuilder;
import io.dyad.common.DyadException;
import io.dyad.common.ErrorCode;
import io.dyad.coordinator.model.PairInfo;
import io.dyad.coordinator.view.ClusterSnapshot;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds the directory servers holding a volume when the DDM has no record of it, or the recorded pair has no live
 * member (claims 27-30): the center of the pair's second member first, then the first's (with no record: the
 * centers in reverse order). A volume found nowhere is remembered for a few seconds, and only a few searches run at
 * once, so requests for volumes that do not exist cannot flood the directory servers.
 */
final class VolumeFinder implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(VolumeFinder.class);
  static final int MAX_CONCURRENT = 4;

  private final VolumeSearch search;
  private final Semaphore running = new Semaphore(MAX_CONCURRENT);
  private final Cache<String, Boolean> nowhere;

  VolumeFinder(VolumeSearch search, Duration rememberNowhere) {
    this.search = search;
    this.nowhere = CacheBuilder.newBuilder().maximumSize(10_000).expireAfterWrite(rememberNowhere).build();
  }

  /** The holders of the volume found in the first center that has any (both centers if needed for its pair). */
  List<VolumeSearch.Holder> find(String volume, ClusterSnapshot s, Optional<PairInfo> recorded) throws DyadException {
    if (nowhere.getIfPresent(volume) != null) {
      return List.of();
    }
    try {
      if (!running.tryAcquire(1, TimeUnit.SECONDS)) {
        throw new DyadException(ErrorCode.UNAVAILABLE, "too many volume searches at once; try again");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new DyadException(ErrorCode.UNAVAILABLE, "interrupted while waiting to search for volume " + volume);
    }
    try {
      List<VolumeSearch.Holder> found = new ArrayList<>();
      for (String center : centers(s, recorded)) {
        found.addAll(search.search(volume, center, s));
        if (!found.isEmpty() && partnersKnown(found, s)) {
          break;
        }
      }
      if (found.isEmpty()) {
        nowhere.put(volume, true);
      } else {
        LOG.warn("volume {} {}; found by {} search on {}", volume, recorded.map(p -> "has no live directory in its "
            + "recorded pair " + p.id()).orElse("has no record"), search.mode(), found);
      }
      return found;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new DyadException(ErrorCode.UNAVAILABLE, "interrupted while searching for volume " + volume);
    } finally {
      running.release();
    }
  }

  /** Forgets that a volume was found nowhere (it was just created). */
  void created(String volume) {
    nowhere.invalidate(volume);
  }

  /** The centers to search, in order: the second member's center first. */
  static List<String> centers(ClusterSnapshot s, Optional<PairInfo> recorded) {
    Set<String> order = new LinkedHashSet<>();
    recorded.ifPresent(p -> {
      for (String m : new String[] {p.b(), p.a()}) {
        var info = s.members().get(m);
        if (info != null) {
          order.add(info.center());
        }
      }
    });
    List<String> all = new ArrayList<>(s.cluster().map(c -> c.centers().keySet()).orElse(Set.of()));
    for (int i = all.size() - 1; i >= 0; i--) {
      order.add(all.get(i));
    }
    return List.copyOf(order);
  }

  private static boolean partnersKnown(List<VolumeSearch.Holder> found, ClusterSnapshot s) {
    return found.stream().allMatch(h -> s.pairOf(h.member()).isPresent());
  }

  @Override
  public void close() {
    search.close();
  }
}
