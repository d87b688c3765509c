package io.dyad.node.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.codahale.metrics.MetricRegistry;
import com.google.common.net.HostAndPort;
import io.dyad.common.DyadException;
import io.dyad.common.access.ClusterSecret;
import io.dyad.common.access.DaemonAuth;
import io.dyad.common.access.Locators;
import io.dyad.common.access.ProofTarget;
import io.dyad.node.store.StoreConfig;
import io.dyad.rpc.StorageNodeClient;
import io.dyad.rpc.ThriftClientConfig;
import io.dyad.rpc.ThriftConnections;
import io.dyad.rpc.server.AccessRefusals;
import io.dyad.rpc.server.ThriftServerConfig;
import io.dyad.rpc.tls.Tls;
import io.dyad.rpc.tls.TlsFiles;
import io.dyad.server.tls.DevCertificates;
import io.dyad.thrift.AccessDenied;
import io.dyad.thrift.StorageNode.Client;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.apache.thrift.TException;
import org.apache.thrift.protocol.TProtocol;
import org.apache.thrift.transport.TSocket;
import org.apache.thrift.transport.layered.TLayeredTransport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * A storage node with a cluster secret, over real sockets: a member proof opens only the member it was made for —
 * as the caller's socket reached it and, over TLS, under the certificate the member presented (not a relay's) —
 * and every refused proof, unauthenticated call and refused locator is counted in the node's metrics and logged
 * with the peer's address, once a minute per peer.
 */
class MemberProofIT {
  @TempDir Path dir;
  private ClusterSecret secret;
  private final ListAppender<ILoggingEvent> lines = new ListAppender<>();
  private final Logger log = (Logger) LoggerFactory.getLogger(AccessRefusals.class);
  private StorageNode node;

  @BeforeEach
  void setUp() throws DyadException {
    secret = ClusterSecret.create(dir.resolve("secret"));
    lines.start();
    log.addAppender(lines);
  }

  @AfterEach
  void tearDown() {
    log.detachAppender(lines);
    if (node != null) {
      node.service().stopAsync().awaitTerminated();
    }
  }

  /** A gate that lets every request through but asks for member proofs and locators, as a cluster member does. */
  private AccessGate guarded(boolean acceptUnbound) {
    DaemonAuth auth = new DaemonAuth(secret, Clock.systemUTC(), acceptUnbound);
    Locators locators = new Locators(secret, Clock.systemUTC());
    return new AccessGate() {
      @Override
      public void checkRead(long epoch) {}

      @Override
      public void checkWrite(long epoch) {}

      @Override
      public void checkLookup(long epoch) {}

      @Override
      public void checkHintTargets(List<String> members) {}

      @Override
      public Optional<DaemonAuth> daemons() {
        return Optional.of(auth);
      }

      @Override
      public Optional<Locators> locators() {
        return Optional.of(locators);
      }

      @Override
      public Status status() {
        return new Status("SERVING", "test");
      }
    };
  }

  private HostAndPort start(String member, String host, Optional<Tls> tls, boolean acceptUnbound,
      MetricRegistry metrics) {
    StoreConfig store = StoreConfig.defaults(dir.resolve(member)).withReserveBytes(0);
    ThriftServerConfig server = ThriftServerConfig.forChunks(new InetSocketAddress(host, 0), store.maxChunkBytes())
        .withTls(tls);
    node = StorageNode.create(new StorageNodeConfig(member, store, server), guarded(acceptUnbound), metrics);
    node.service().startAsync().awaitRunning();
    return HostAndPort.fromParts(host, node.address().getPort());
  }

  private static void authenticate(Client c, DaemonAuth.Proof p) throws TException {
    c.authenticate(p.daemon(), p.time(), p.nonce(), ByteBuffer.wrap(p.mac()));
  }

  private static Socket socketOf(TProtocol protocol) {
    return ((TSocket) ((TLayeredTransport) protocol.getTransport()).getInnerTransport()).getSocket();
  }

  @Test
  void refusedProofsCallsAndLocatorsAreCountedAndLoggedOnceAMinuteWithThePeer() throws Exception {
    MetricRegistry metrics = new MetricRegistry();
    HostAndPort address = start("refusing", "127.0.1.31", Optional.empty(), false, metrics);
    assertThat(metrics.getCounters()).as("counters exist before the first refusal")
        .containsKeys("storage.auth.refused", "storage.credentials.refused", "storage.auth.unbound");
    TProtocol protocol = ThriftConnections.open(address, ThriftClientConfig.defaults());
    Client stranger = new Client(protocol);
    try {
      Socket socket = socketOf(protocol);
      String peer = socket.getLocalAddress().getHostAddress() + ":" + socket.getLocalPort();
      for (int i = 0; i < 3; i++) {
        assertThatThrownBy(() -> stranger.inventory("", 10)).isInstanceOf(AccessDenied.class);
      }
      ClusterSecret other = ClusterSecret.create(dir.resolve("other"));
      assertThatThrownBy(() -> authenticate(stranger, new DaemonAuth(other, Clock.systemUTC()).prove("dosm evil",
          ThriftConnections.proofTarget(protocol)))).isInstanceOf(AccessDenied.class);
      assertThatThrownBy(() -> stranger.readDirect("0123456789abcdef", 0, 10, "dyad1.forged.locator"))
          .isInstanceOf(AccessDenied.class);
      assertThatThrownBy(() -> stranger.readDirect("0123456789abcdef", 0, 10, "")).isInstanceOf(AccessDenied.class);

      assertThat(metrics.counter("storage.auth.refused").getCount()).isEqualTo(4);
      assertThat(metrics.counter("storage.credentials.refused").getCount()).isEqualTo(2);
      List<String> logged = lines.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
      assertThat(logged).as("one line per kind and peer in a minute").hasSize(2);
      assertThat(logged.get(0)).contains("[member=refusing] refused inventory from " + peer,
          "did not authenticate");
      assertThat(logged.get(1)).contains("[member=refusing] refused the credential of readDirect of "
          + "0123456789abcdef from " + peer, "not valid for this cluster");
      assertThat(String.join("\n", logged)).doesNotContain("forged");
    } finally {
      protocol.getTransport().close();
    }
  }

  @Test
  void overTlsAProofOpensTheMemberOnlyUnderTheCertificateItPresented() throws Exception {
    Path tlsDir = dir.resolve("tls");
    DevCertificates.Issued a2 = DevCertificates.issue(tlsDir, "a2", List.of("127.0.1.32"), Duration.ofDays(1));
    DevCertificates.Issued relay = DevCertificates.issue(tlsDir, "relay", List.of("127.0.1.32"), Duration.ofDays(1));
    Tls server = TlsFiles.pem(a2.ca(), a2.certificate(), a2.key(), false).load();
    Tls client = new TlsFiles(a2.ca(), Optional.empty(), Optional.empty(), Optional.empty(), false).load();
    MetricRegistry metrics = new MetricRegistry();
    HostAndPort address = start("a2", "127.0.1.32", Optional.of(server), false, metrics);
    ThriftClientConfig config = ThriftClientConfig.defaults().withTls(Optional.of(client));

    // a daemon's own client: the proof it binds to what its TLS socket saw is the one the member checks
    try (StorageNodeClient daemon = StorageNodeClient.connect(address,
        config.withCredential("dosm d1", Optional.of(secret)))) {
      assertThat(daemon.inventory("", 10)).isNotNull();
    }
    assertThat(metrics.counter("storage.auth.refused").getCount()).isZero();

    TProtocol protocol = ThriftConnections.open(address, config);
    Client c = new Client(protocol);
    try {
      DaemonAuth prover = new DaemonAuth(secret, Clock.systemUTC());
      InetSocketAddress member = new InetSocketAddress("127.0.1.32", address.getPort());
      Certificate relayCert;
      try (InputStream in = Files.newInputStream(relay.certificate())) {
        relayCert = CertificateFactory.getInstance("X.509").generateCertificate(in);
      }
      // what a relay holding its own certificate for the address would have received from a daemon
      assertThatThrownBy(() -> authenticate(c, prover.prove("dosm d1", ProofTarget.of(member,
          Optional.of(relayCert))))).isInstanceOf(AccessDenied.class);
      // a proof for a plain connection to the same address
      assertThatThrownBy(() -> authenticate(c, prover.prove("dosm d1", ProofTarget.of(member, Optional.empty()))))
          .isInstanceOf(AccessDenied.class);
      assertThat(metrics.counter("storage.auth.refused").getCount()).isEqualTo(2);
      authenticate(c, prover.prove("dosm d1", ThriftConnections.proofTarget(protocol)));
      assertThat(c.inventory("", 10)).isNotNull();
    } finally {
      protocol.getTransport().close();
    }
  }

  @Test
  void aMemberAcceptingUnboundProofsWhileUpgradingCountsThem() throws Exception {
    MetricRegistry metrics = new MetricRegistry();
    HostAndPort address = start("upgrading", "127.0.1.33", Optional.empty(), true, metrics);
    TProtocol protocol = ThriftConnections.open(address, ThriftClientConfig.defaults());
    Client old = new Client(protocol);
    try {
      authenticate(old, new DaemonAuth(secret, Clock.systemUTC()).proveUnbound("dosm old"));
      assertThat(old.inventory("", 10)).isNotNull();
      assertThat(metrics.counter("storage.auth.unbound").getCount()).isEqualTo(1);
      assertThat(lines.list).anyMatch(e -> e.getFormattedMessage().contains("accepted an unbound proof of dosm old"));
    } finally {
      protocol.getTransport().close();
    }
  }
}
