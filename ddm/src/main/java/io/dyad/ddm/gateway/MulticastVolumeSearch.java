package io.dyad.ddm.gateway;

import io.dyad.common.DyadException;
import io.dyad.common.MulticastGroup;
import io.dyad.coordinator.model.ClusterInfo;
import io.dyad.coordinator.model.MemberKind;
import io.dyad.coordinator.view.ClusterSnapshot;
import io.dyad.search.MulticastAsker;
import io.dyad.search.MulticastSettings;
import io.dyad.search.SearchAuth;
import io.dyad.search.SearchMessages;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One "who holds volume V?" datagram to the center's multicast group; holders answer by unicast. Answers are
 * collected until the timeout or until every directory server the center declares has answered. A center without a
 * group is not searched this way.
 */
final class MulticastVolumeSearch implements VolumeSearch {
  private static final Logger LOG = LoggerFactory.getLogger(MulticastVolumeSearch.class);

  private final MulticastAsker asker;
  private final Duration timeout;

  /** @param replyHost the address directory servers answer to (an address of this host they can reach) */
  MulticastVolumeSearch(MulticastSettings settings, String replyHost, SearchAuth auth, Duration timeout)
      throws IOException {
    this.asker = new MulticastAsker(settings, replyHost, auth, "volume-search-answers");
    this.timeout = timeout;
  }

  @Override
  public List<Holder> search(String volume, String center, ClusterSnapshot s) throws InterruptedException {
    ClusterInfo.CenterInfo c = s.cluster().map(ci -> ci.centers().get(center)).orElse(null);
    List<Holder> found = new ArrayList<>();
    if (c == null || c.multicast() == null) {
      return found;
    }
    long declared = s.members().values().stream()
        .filter(m -> m.center().equals(center) && m.kind() == MemberKind.DIRECTORY).count();
    String requestId = UUID.randomUUID().toString();
    try {
      MulticastGroup group = MulticastGroup.parse(c.multicast());
      byte[] q = SearchMessages.encode(new SearchMessages.VolumeQuestion(requestId, volume, asker.replyTo()));
      asker.ask(group, requestId, q, timeout, json -> {
        SearchMessages.volumeAnswer(json).ifPresent(a -> found.add(new Holder(a.member(), a.address(), a.lastSeq())));
        return declared == 0 || found.size() < declared;
      });
    } catch (DyadException | IOException e) {
      LOG.warn("multicast search for volume {} in center {} failed: {}", volume, center, e.getMessage());
    }
    return found;
  }

  @Override
  public String mode() {
    return VolumeSearchConfig.MULTICAST;
  }

  @Override
  public void close() {
    asker.close();
  }
}
