package io.dyad.ddm.gateway;

import io.dyad.common.DyadException;
import io.dyad.common.ErrorCode;
import io.dyad.coordinator.model.MemberKind;
import io.dyad.coordinator.model.PairInfo;
import io.dyad.coordinator.model.VolumeInfo;
import io.dyad.coordinator.view.ClusterSnapshot;
import java.util.Comparator;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Which directory pair a new volume goes to: of the pairs with a serving directory (and not still joining), the one
 * holding the fewest. A pair added to a running cluster thus takes the next new volumes.
 */
final class VolumePlacement {
  private VolumePlacement() {}

  static PairInfo choose(ClusterSnapshot s) throws DyadException {
    Map<String, Long> held = s.volumes().values().stream()
        .collect(Collectors.groupingBy(VolumeInfo::directoryPair, Collectors.counting()));
    return s.pairs().values().stream()
        .filter(p -> p.kind() == MemberKind.DIRECTORY && !p.joining())
        .filter(p -> s.isServing(p.a()) || s.isServing(p.b()))
        .min(Comparator.comparing((Function<PairInfo, Long>) p -> held.getOrDefault(p.id(), 0L))
            .thenComparing(PairInfo::id))
        .orElseThrow(() -> new DyadException(ErrorCode.UNAVAILABLE, s.pairs().values().stream()
            .anyMatch(p -> p.kind() == MemberKind.DIRECTORY)
            ? "no directory pair has a serving directory server" : "the cluster declares no directory pair"));
  }
}
