package io.dyad.node.cluster;

import com.google.common.net.HostAndPort;
import com.google.common.util.concurrent.AbstractExecutionThreadService;
import io.dyad.common.DyadException;
import io.dyad.common.ObjectId;
import io.dyad.common.Presence;
import io.dyad.node.store.ObjectStore;
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
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers "who has object O?" datagrams sent to this node's center group: if the node holds the object or
 * a tombstone for it, it replies by unicast to the asker; otherwise it stays silent.
 */
public final class MulticastResponder extends AbstractExecutionThreadService {
  private static final Logger LOG = LoggerFactory.getLogger(MulticastResponder.class);

  private final String memberId;
  private final ObjectStore store;
  private final MulticastGroup group;
  private final MulticastSettings settings;
  private DatagramChannel channel;

  public MulticastResponder(String memberId, ObjectStore store, MulticastGroup group, MulticastSettings settings) {
    this.memberId = memberId;
    this.store = store;
    this.group = group;
    this.settings = settings;
  }

  @Override
  protected void startUp() throws IOException {
    channel = DatagramChannel.open(StandardProtocolFamily.INET)
        .setOption(StandardSocketOptions.SO_REUSEADDR, true)
        .bind(new InetSocketAddress(group.port()));
    channel.setOption(StandardSocketOptions.IP_MULTICAST_IF, settings.networkInterface());
    channel.join(group.group(), settings.networkInterface());
    LOG.info("[member={}] answering multicast search on {} via {}", memberId, group, settings.interfaceName());
  }

  @Override
  protected void run() {
    ByteBuffer buf = ByteBuffer.allocate(2048);
    while (isRunning()) {
      try {
        buf.clear();
        channel.receive(buf);
        buf.flip();
        Optional<SearchMessages.Question> q = SearchMessages.question(buf.array(), buf.limit());
        if (q.isPresent()) {
          answer(q.get());
        }
      } catch (AsynchronousCloseException closed) {
        return;
      } catch (IOException e) {
        if (isRunning()) {
          LOG.warn("[member={}] multicast search receive failed: {}", memberId, e.toString());
        }
      }
    }
  }

  private void answer(SearchMessages.Question q) {
    try {
      Presence p = store.presence(ObjectId.of(q.objectId()));
      if (p == Presence.ABSENT) {
        return;
      }
      HostAndPort reply = HostAndPort.fromString(q.replyTo());
      byte[] answer = SearchMessages.encode(new SearchMessages.Answer(q.requestId(), memberId, p));
      channel.send(ByteBuffer.wrap(answer), new InetSocketAddress(reply.getHost(), reply.getPort()));
    } catch (DyadException | IllegalArgumentException e) {
      LOG.debug("[member={}] ignoring search question {}: {}", memberId, q, e.getMessage());
    } catch (IOException e) {
      LOG.debug("[member={}] could not answer search question {}: {}", memberId, q, e.toString());
    }
  }

  @Override
  protected void triggerShutdown() {
    try {
      channel.close();
    } catch (IOException ignored) {
      // closing to wake the receiver
    }
  }

  @Override
  protected String serviceName() {
    return "MulticastResponder[" + memberId + "]";
  }
}
