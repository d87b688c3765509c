package io.dyad.search;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.common.net.HostAndPort;
import com.google.common.util.concurrent.AbstractExecutionThreadService;
import io.dyad.common.MulticastGroup;
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
 * The answering side of multicast search: joins a center's group and, for each question datagram, sends the answer
 * its {@link Answerer} gives (if any) by unicast to the question's reply address. Members that hold nothing stay
 * silent, so the asker hears only from holders.
 */
public final class GroupResponder extends AbstractExecutionThreadService {
  private static final Logger LOG = LoggerFactory.getLogger(GroupResponder.class);

  /** Answers one question (a datagram that {@link SearchAuth} opened), or not. */
  @FunctionalInterface
  public interface Answerer {
    /** @return the answer (unsigned) and where to send it ("HOST:PORT"), or empty to stay silent */
    Optional<Reply> answer(JsonNode question);
  }

  public record Reply(String to, byte[] answer) {}

  private final String name;
  private final MulticastGroup group;
  private final MulticastSettings settings;
  private final Answerer answerer;
  private final SearchAuth auth;
  private DatagramChannel channel;

  /** @param name for logs, e.g. "member=a1" */
  /** @param auth opens questions (unsigned, forged or stale ones are ignored) and seals answers */
  public GroupResponder(String name, MulticastGroup group, MulticastSettings settings, SearchAuth auth,
      Answerer answerer) {
    this.name = name;
    this.group = group;
    this.settings = settings;
    this.auth = auth;
    this.answerer = answerer;
  }

  @Override
  protected void startUp() throws IOException {
    channel = DatagramChannel.open(StandardProtocolFamily.INET)
        .setOption(StandardSocketOptions.SO_REUSEADDR, true)
        .bind(new InetSocketAddress(group.port()));
    channel.setOption(StandardSocketOptions.IP_MULTICAST_IF, settings.networkInterface());
    channel.join(group.group(), settings.networkInterface());
    LOG.info("[{}] answering multicast search on {} via {} ({})", name, group, settings.interfaceName(),
        auth.signs() ? "signed datagrams only" : "unsigned: the cluster has no secret");
  }

  @Override
  protected void run() {
    ByteBuffer buf = ByteBuffer.allocate(2048);
    while (isRunning()) {
      try {
        buf.clear();
        channel.receive(buf);
        buf.flip();
        Optional<Reply> reply = auth.open(buf.array(), buf.limit()).flatMap(answerer::answer);
        if (reply.isPresent()) {
          send(reply.get());
        }
      } catch (AsynchronousCloseException closed) {
        return;
      } catch (IOException e) {
        if (isRunning()) {
          LOG.warn("[{}] multicast search receive failed: {}", name, e.toString());
        }
      } catch (RuntimeException e) {
        LOG.debug("[{}] ignoring a search question: {}", name, e.toString());
      }
    }
  }

  private void send(Reply r) {
    try {
      HostAndPort to = HostAndPort.fromString(r.to());
      channel.send(ByteBuffer.wrap(auth.seal(r.answer())), new InetSocketAddress(to.getHost(), to.getPort()));
    } catch (IllegalArgumentException | IOException e) {
      LOG.debug("[{}] could not answer a search question to {}: {}", name, r.to(), e.toString());
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
    return "GroupResponder[" + name + "]";
  }
}
