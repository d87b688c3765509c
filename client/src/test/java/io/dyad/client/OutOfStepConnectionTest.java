package io.dyad.client;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.common.net.HostAndPort;
import io.dyad.common.ObjectId;
import io.dyad.common.ObjectMeta;
import io.dyad.thrift.GatewayList;
import io.dyad.thrift.ObjectGateway;
import io.dyad.thrift.ObjectInfo;
import java.io.IOException;
import java.lang.reflect.Proxy;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.thrift.TException;
import org.apache.thrift.protocol.TBinaryProtocol;
import org.apache.thrift.protocol.TMessage;
import org.apache.thrift.protocol.TMessageType;
import org.apache.thrift.protocol.TProtocol;
import org.apache.thrift.transport.TSocket;
import org.apache.thrift.transport.TTransport;
import org.apache.thrift.transport.layered.TFramedTransport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A pooled connection that lost its place in the conversation is dropped, not reused: a gateway (a real Thrift
 * server on a loopback socket) answers one call first with a stray reply under a wrong sequence id — as a late
 * reply to an earlier, timed-out call would arrive — and then with the right one.
 */
class OutOfStepConnectionTest {
  private static final ObjectId ID = ObjectId.random();

  private FakeGateway gateway;

  @BeforeEach
  void start() throws IOException {
    gateway = new FakeGateway();
  }

  @AfterEach
  void stop() throws IOException {
    gateway.close();
  }

  @Test
  void aConnectionThatGotAReplyOutOfSequenceIsNotReused() throws Exception {
    try (DyadClient client = DyadClient.connect(ClientConfig.of(List.of(gateway.address())))) {
      assertThat(gateway.calls()).containsExactly("0:listGateways");

      gateway.sendStrayReplyToNextStat();
      // the reused connection reads the stray reply (BAD_SEQUENCE_ID) and is broken; the pool repeats the call once
      // on a fresh connection
      assertThat(client.stat(ID).length()).isEqualTo(3);
      ObjectMeta again = client.stat(ID);

      assertThat(again.length()).isEqualTo(3);
      // nothing more was sent over connection 0 once its replies were out of step
      assertThat(gateway.calls()).containsExactly("0:listGateways", "0:stat", "1:stat", "1:stat");
    }
  }

  /** Answers listGateways and stat; each connection is served by a thread of its own. */
  private static final class FakeGateway implements AutoCloseable {
    private final ServerSocket listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    private final List<String> calls = Collections.synchronizedList(new ArrayList<>());
    private final List<Socket> sockets = Collections.synchronizedList(new ArrayList<>());
    private final AtomicBoolean strayReply = new AtomicBoolean();
    private final Thread acceptor;

    FakeGateway() throws IOException {
      acceptor = new Thread(this::accept, "fake-gateway");
      acceptor.setDaemon(true);
      acceptor.start();
    }

    HostAndPort address() {
      return HostAndPort.fromParts(listener.getInetAddress().getHostAddress(), listener.getLocalPort());
    }

    List<String> calls() {
      synchronized (calls) {
        return List.copyOf(calls);
      }
    }

    void sendStrayReplyToNextStat() {
      strayReply.set(true);
    }

    private void accept() {
      for (int n = 0; ; n++) {
        try {
          Socket s = listener.accept();
          sockets.add(s);
          int connection = n;
          Thread t = new Thread(() -> serve(connection, s), "fake-gateway-" + n);
          t.setDaemon(true);
          t.start();
        } catch (IOException closed) {
          return;
        }
      }
    }

    private void serve(int connection, Socket socket) {
      try {
        TTransport transport = new TFramedTransport(new TSocket(socket));
        TProtocol protocol = new TBinaryProtocol(transport);
        ObjectGateway.Processor<ObjectGateway.Iface> processor =
            new ObjectGateway.Processor<>(handler(connection, protocol));
        while (true) {
          processor.process(protocol, protocol);
        }
      } catch (TException gone) {
        // the client closed the connection
      }
    }

    private ObjectGateway.Iface handler(int connection, TProtocol out) {
      return (ObjectGateway.Iface) Proxy.newProxyInstance(getClass().getClassLoader(),
          new Class<?>[] {ObjectGateway.Iface.class}, (proxy, method, args) -> {
            calls.add(connection + ":" + method.getName());
            switch (method.getName()) {
              case "listGateways":
                return new GatewayList(List.of(address().toString()), List.of(), 1 << 20, "test", "test");
              case "stat":
                ObjectInfo info = new ObjectInfo(ID.value(), 3, 0, false, 0);
                if (strayReply.compareAndSet(true, false)) {
                  // a whole reply under a sequence id no call of this connection is waiting for
                  out.writeMessageBegin(new TMessage("stat", TMessageType.REPLY, Integer.MAX_VALUE));
                  new ObjectGateway.stat_result().setSuccess(info).write(out);
                  out.writeMessageEnd();
                  out.getTransport().flush();
                }
                return info;
              default:
                throw new UnsupportedOperationException(method.getName());
            }
          });
    }

    @Override
    public void close() throws IOException {
      listener.close();
      synchronized (sockets) {
        for (Socket s : sockets) {
          s.close();
        }
      }
    }
  }
}
