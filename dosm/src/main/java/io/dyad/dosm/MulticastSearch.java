package io.dyad.dosm;

import io.dyad.common.DyadException;
import io.dyad.common.MulticastGroup;
import io.dyad.common.ObjectId;
import io.dyad.coordinator.model.ClusterInfo;
import io.dyad.coordinator.model.MemberInfo;
import io.dyad.coordinator.view.ClusterSnapshot;
import io.dyad.search.MulticastAsker;
import io.dyad.search.MulticastSettings;
import io.dyad.search.SearchAuth;
import io.dyad.search.SearchMessages;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Search by one "who has O?" datagram to the center's multicast group; holders answer by unicast to this
 * DOSM's search socket (claims 9 and 19). Answers are collected until the timeout, or until every live member
 * of the center has answered. A center without a multicast group is not searched this way.
 */
public final class MulticastSearch implements ObjectSearch {
  private static final Logger LOG = LoggerFactory.getLogger(MulticastSearch.class);

  private final MulticastAsker asker;
  private final Duration timeout;

  /**
   * @param replyHost the address holders answer to (an address of this host they can reach)
   */
  public MulticastSearch(MulticastSettings settings, String replyHost, SearchAuth auth, Duration timeout)
      throws IOException {
    this.timeout = timeout;
    this.asker = new MulticastAsker(settings, replyHost, auth, "multicast-search-answers");
  }

  @Override
  public List<Found> search(ObjectId id, String center, ClusterSnapshot s, Set<String> exclude, boolean firstOnly)
      throws InterruptedException {
    ClusterInfo.CenterInfo c = s.cluster().map(ci -> ci.centers().get(center)).orElse(null);
    if (c == null || c.multicast() == null) {
      return List.of();
    }
    MulticastGroup group;
    try {
      group = MulticastGroup.parse(c.multicast());
    } catch (DyadException e) {
      return List.of();
    }
    long expected = s.members().values().stream()
        .filter(m -> m.center().equals(center) && s.isLive(m.id()) && !exclude.contains(m.id())).count();
    String requestId = UUID.randomUUID().toString();
    List<Found> found = new ArrayList<>();
    if (expected == 0) {
      return found;
    }
    try {
      byte[] q = SearchMessages.encode(new SearchMessages.Question(requestId, id.value(), asker.replyTo()));
      asker.ask(group, requestId, q, timeout, json -> {
        SearchMessages.answer(json).ifPresent(a -> {
          MemberInfo m = s.members().get(a.member());
          if (m != null && m.center().equals(center) && !exclude.contains(m.id())) {
            found.add(new Found(a.member(), center, a.state()));
          }
        });
        return found.size() < expected && !(firstOnly && !found.isEmpty());
      });
    } catch (IOException e) {
      LOG.warn("multicast search for {} in center {} failed: {}", id, center, e.toString());
    }
    return found;
  }

  @Override
  public String mode() {
    return "multicast";
  }

  @Override
  public void close() {
    asker.close();
  }
}
