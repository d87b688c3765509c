package io.dyad.search;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.common.base.Ticker;
import io.dyad.common.MulticastGroup;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.DatagramChannel;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The asking side of multicast search: one socket that sends questions to a center's group and receives the unicast
 * answers, which it hands to the question they carry the request id of ({@code "q"}). Thread-safe; one receiver
 * thread.
 */
public final class MulticastAsker implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(MulticastAsker.class);

  private final DatagramChannel channel;
  private final String replyTo;
  private final Map<String, LinkedBlockingQueue<JsonNode>> pending = new ConcurrentHashMap<>();
  private final Thread receiver;
  private final SearchAuth auth;
  private final Ticker ticker;

  /**
   * @param replyHost the address answers come to (an address of this host the members can reach)
   * @param auth seals questions and opens answers (unsigned, forged or stale ones are dropped)
   */
  public MulticastAsker(MulticastSettings settings, String replyHost, SearchAuth auth, String threadName)
      throws IOException {
    this(settings, replyHost, auth, threadName, Ticker.systemTicker());
  }

  /** As above, with the time an {@link #ask}'s timeout runs out by. */
  public MulticastAsker(MulticastSettings settings, String replyHost, SearchAuth auth, String threadName,
      Ticker ticker) throws IOException {
    this.auth = auth;
    this.ticker = ticker;
    this.channel = DatagramChannel.open(StandardProtocolFamily.INET).bind(new InetSocketAddress(replyHost, 0));
    channel.setOption(StandardSocketOptions.IP_MULTICAST_IF, settings.networkInterface());
    channel.setOption(StandardSocketOptions.IP_MULTICAST_TTL, settings.ttl());
    channel.setOption(StandardSocketOptions.IP_MULTICAST_LOOP, true);
    this.replyTo = replyHost + ":" + ((InetSocketAddress) channel.getLocalAddress()).getPort();
    this.receiver = new Thread(this::receive, threadName);
    receiver.setDaemon(true);
    receiver.start();
  }

  /** HOST:PORT for the questions' {@code "reply"}. */
  public String replyTo() {
    return replyTo;
  }

  /**
   * Sends {@code question} (unsigned; it carries {@code requestId}) to the group and hands each answer to {@code onAnswer}
   * until it returns false or the timeout has passed.
   */
  public void ask(MulticastGroup group, String requestId, byte[] question, Duration timeout,
      Predicate<JsonNode> onAnswer) throws IOException, InterruptedException {
    LinkedBlockingQueue<JsonNode> answers = new LinkedBlockingQueue<>();
    pending.put(requestId, answers);
    try {
      channel.send(ByteBuffer.wrap(auth.seal(question)), group.socketAddress());
      long deadline = ticker.read() + timeout.toNanos();
      while (true) {
        JsonNode a = answers.poll(Math.max(0, deadline - ticker.read()), TimeUnit.NANOSECONDS);
        if (a == null || !onAnswer.test(a)) {
          return;
        }
      }
    } finally {
      pending.remove(requestId);
    }
  }

  private void receive() {
    ByteBuffer buf = ByteBuffer.allocate(2048);
    while (channel.isOpen()) {
      try {
        buf.clear();
        channel.receive(buf);
        buf.flip();
        auth.open(buf.array(), buf.limit()).ifPresent(a -> {
          LinkedBlockingQueue<JsonNode> q = pending.get(a.path("q").asText());
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
  public void close() {
    try {
      channel.close();
    } catch (IOException ignored) {
      // closing
    }
  }
}
