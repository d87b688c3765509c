package io.dyad.dosm;

import io.dyad.common.DyadException;
import io.dyad.common.ObjectId;
import io.dyad.coordinator.model.ClusterInfo;
import io.dyad.coordinator.model.MemberInfo;
import io.dyad.coordinator.view.ClusterSnapshot;
import io.dyad.search.MulticastGroup;
import io.dyad.search.MulticastSettings;
import io.dyad.search.SearchMessages;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.DatagramChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Search by one "who has O?" datagram to the center's multicast group; holders answer by unicast to this
 * DOSM's search socket (claims 9 and 19). Answers are collected until the timeout, or until every live member
 * of the center has answered. A center without a multicast group is not searched this way.
 */
public final class MulticastSearch implements ObjectSearch {
  private static final Logger LOG = LoggerFactory.getLogger(MulticastSearch.class);

  private final DatagramChannel channel;
  private final String replyTo;
  private final Duration timeout;
  private final Map<String, LinkedBlockingQueue<SearchMessages.Answer>> pending = new ConcurrentHashMap<>();
  private final Thread receiver;

  /**
   * @param replyHost the address holders answer to (an address of this host they can reach)
   */
  public MulticastSearch(MulticastSettings settings, String replyHost, Duration timeout) throws IOException {
    this.timeout = timeout;
    this.channel = DatagramChannel.open(StandardProtocolFamily.INET).bind(new InetSocketAddress(replyHost, 0));
    channel.setOption(StandardSocketOptions.IP_MULTICAST_IF, settings.networkInterface());
    channel.setOption(StandardSocketOptions.IP_MULTICAST_TTL, settings.ttl());
    channel.setOption(StandardSocketOptions.IP_MULTICAST_LOOP, true);
    InetSocketAddress local = (InetSocketAddress) channel.getLocalAddress();
    this.replyTo = replyHost + ":" + local.getPort();
    this.receiver = new Thread(this::receive, "multicast-search-answers");
    receiver.setDaemon(true);
    receiver.start();
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
    LinkedBlockingQueue<SearchMessages.Answer> answers = new LinkedBlockingQueue<>();
    pending.put(requestId, answers);
    List<Found> found = new ArrayList<>();
    try {
      byte[] q = SearchMessages.encode(new SearchMessages.Question(requestId, id.value(), replyTo));
      channel.send(ByteBuffer.wrap(q), group.socketAddress());
      long deadline = System.nanoTime() + timeout.toNanos();
      int answered = 0;
      while (answered < expected) {
        SearchMessages.Answer a = answers.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        if (a == null) {
          break;
        }
        MemberInfo m = s.members().get(a.member());
        if (m != null && m.center().equals(center) && !exclude.contains(m.id())) {
          found.add(new Found(a.member(), center, a.state()));
          answered++;
          if (firstOnly) {
            break;
          }
        }
      }
    } catch (IOException e) {
      LOG.warn("multicast search for {} in center {} failed: {}", id, center, e.toString());
    } finally {
      pending.remove(requestId);
    }
    return found;
  }

  private void receive() {
    ByteBuffer buf = ByteBuffer.allocate(2048);
    while (channel.isOpen()) {
      try {
        buf.clear();
        channel.receive(buf);
        buf.flip();
        SearchMessages.answer(buf.array(), buf.limit()).ifPresent(a -> {
          LinkedBlockingQueue<SearchMessages.Answer> q = pending.get(a.requestId());
          if (q != null) {
            q.offer(a);
          }
        });
      } catch (AsynchronousCloseException closed) {
        return;
      } catch (IOException e) {
        LOG.debug("multicast search receive failed: {}", e.toString());
      }
    }
  }

  @Override
  public String mode() {
    return "multicast";
  }

  @Override
  public void close() {
    try {
      channel.close();
    } catch (IOException ignored) {
      // closing
    }
  }
}
