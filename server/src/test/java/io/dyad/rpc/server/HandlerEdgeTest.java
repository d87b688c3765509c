package io.dyad.rpc.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.codahale.metrics.MetricRegistry;
import com.google.common.net.HostAndPort;
import io.dyad.common.DyadException;
import io.dyad.rpc.ThriftClientConfig;
import io.dyad.rpc.ThriftConnections;
import io.dyad.thrift.NotFound;
import io.dyad.thrift.ObjectGateway;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.thrift.TApplicationException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * What a caller gets back over a real socket when a handler fails, through the one edge all handlers use: the
 * IDL's typed exception for a Dyad error, and for a fault inside the daemon an id that the daemon's log line
 * carries, never the fault's own text.
 */
class HandlerEdgeTest {
  private static final String SECRET = "password=hunter2 at /var/lib/dyad/secret";
  private static final Pattern ID = Pattern.compile("internal error, id ([0-9a-f]{12}): see the daemon's log");

  private final Logger log = (Logger) LoggerFactory.getLogger("test.HandlerEdgeTest");
  private final ListAppender<ILoggingEvent> logged = new ListAppender<>();
  private final MetricRegistry metrics = new MetricRegistry();
  private ThriftServerService server;
  private ObjectGateway.Client client;

  @BeforeEach
  void start() throws Exception {
    logged.start();
    log.addAppender(logged);
    HandlerEdge edge = new HandlerEdge(log, "dosm=t1", "test", metrics);
    ObjectGateway.Iface handler = (ObjectGateway.Iface) Proxy.newProxyInstance(getClass().getClassLoader(),
        new Class<?>[] {ObjectGateway.Iface.class}, (proxy, method, args) -> {
          try {
            return edge.call(method.getName(), () -> {
              switch (method.getName()) {
                case "locate":
                  throw new IllegalStateException(SECRET);
                case "stat":
                  throw DyadException.notFound("object " + args[0] + " was never written");
                default:
                  return null;
              }
            });
          } catch (RuntimeException e) {
            throw new InvocationTargetException(e);
          }
        });
    server = new ThriftServerService("test", new ObjectGateway.Processor<>(handler),
        ThriftServerConfig.forChunks(new InetSocketAddress("127.0.0.1", 0), 1 << 20).withWorkers(2));
    server.startAsync().awaitRunning();
    InetSocketAddress a = server.boundAddress();
    client = new ObjectGateway.Client(ThriftConnections.open(
        HostAndPort.fromParts(a.getAddress().getHostAddress(), a.getPort()), ThriftClientConfig.defaults()));
  }

  @AfterEach
  void stop() {
    client.getInputProtocol().getTransport().close();
    server.stopAsync().awaitTerminated();
    log.detachAppender(logged);
  }

  @Test
  void aFaultInsideTheDaemonReachesTheCallerAsAnIdAndItsLogAsTheWholeStory() throws Exception {
    assertThatThrownBy(() -> client.locate("some-object", ""))
        .isInstanceOfSatisfying(TApplicationException.class, e -> {
          assertThat(e.getType()).isEqualTo(TApplicationException.INTERNAL_ERROR);
          assertThat(e.getMessage()).doesNotContain("hunter2").doesNotContain("/var/lib").doesNotContain("Illegal");
          Matcher m = ID.matcher(e.getMessage());
          assertThat(m.matches()).as(e.getMessage()).isTrue();
          List<ILoggingEvent> errors = logged.list.stream().filter(l -> l.getLevel() == Level.ERROR).toList();
          assertThat(errors).hasSize(1);
          assertThat(errors.get(0).getFormattedMessage()).contains("dosm=t1").contains("locate").contains(m.group(1));
          assertThat(errors.get(0).getThrowableProxy().getMessage()).isEqualTo(SECRET);
        });
    assertThat(metrics.counter("test.errors.internal").getCount()).isEqualTo(1);
    // the connection still serves
    client.ping();
  }

  @Test
  void aDyadErrorIsTheIdlsTypedExceptionWithItsMessage() {
    assertThatThrownBy(() -> client.stat("gone", ""))
        .isInstanceOfSatisfying(NotFound.class, e -> assertThat(e.getMessage()).isEqualTo(
            "object gone was never written"));
    assertThat(metrics.counter("test.errors.not_found").getCount()).isEqualTo(1);
    assertThat(metrics.timer("test.rpc.stat").getCount()).isEqualTo(1);
    assertThat(logged.list).noneMatch(l -> l.getLevel().isGreaterOrEqual(Level.WARN));
  }
}
