package io.dyad.client;

import com.google.common.net.HostAndPort;
import io.dyad.common.DyadException;
import io.dyad.common.ErrorCode;
import io.dyad.common.ObjectId;
import io.dyad.rpc.ThriftErrors;
import io.dyad.thrift.GatewayList;
import io.dyad.thrift.Locations;
import io.dyad.thrift.ObjectGateway;
import io.dyad.thrift.ObjectInfo;
import io.dyad.thrift.PutSession;
import io.dyad.thrift.ReadPlan;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.CRC32C;
import org.apache.thrift.TException;
import org.apache.thrift.protocol.TBinaryProtocol;
import org.apache.thrift.protocol.TProtocol;
import org.apache.thrift.transport.TSocket;
import org.apache.thrift.transport.layered.TFramedTransport;

/**
 * Object gateways for the client's unit tests: each a real Thrift server on a loopback socket, all in front of one
 * in-memory store (the cluster behind them), each with faults a test switches on — unavailable for every call,
 * cut off after a number of put chunks or from an offset of a get, handing out corrupted bytes, or killed (its
 * socket and connections closed). Every call is recorded as {@code "<gateway>:<method>"} (with the offset for a
 * get and the requested id for a put).
 */
final class FakeGateways implements AutoCloseable {
  static final int MAX_CHUNK = 64 * 1024;

  private final Map<String, byte[]> objects = new ConcurrentHashMap<>();
  private final List<String> calls = Collections.synchronizedList(new ArrayList<>());
  private final List<Gateway> gateways = new ArrayList<>();

  FakeGateways(int n) throws IOException {
    for (int i = 0; i < n; i++) {
      gateways.add(new Gateway("g" + (i + 1)));
    }
  }

  Gateway gateway(int i) {
    return gateways.get(i);
  }

  List<HostAndPort> addresses() {
    return gateways.stream().map(Gateway::address).toList();
  }

  /** Stores an object behind the gateways, as if put earlier; returns its id. */
  ObjectId store(byte[] data) {
    ObjectId id = ObjectId.random();
    objects.put(id.value(), data.clone());
    return id;
  }

  byte[] stored(ObjectId id) {
    return objects.get(id.value());
  }

  List<String> calls() {
    synchronized (calls) {
      return List.copyOf(calls);
    }
  }

  /** The calls of one kind ({@code "put"}, {@code "get"}...) that went to {@code gateway}. */
  List<String> calls(String gateway, String method) {
    return calls().stream().filter(c -> c.startsWith(gateway + ":" + method)).toList();
  }

  @Override
  public void close() {
    gateways.forEach(Gateway::kill);
  }

  /** One gateway and its faults. */
  final class Gateway implements ObjectGateway.Iface {
    final String name;
    /** Every call answers Unavailable (it is up, but cannot reach the storage nodes). */
    volatile boolean unavailable;
    /** putChunk answers Unavailable once this many chunks went through this gateway. */
    volatile int chunksBeforeFailing = Integer.MAX_VALUE;
    /** get answers Unavailable from this offset on. */
    volatile long failGetsFrom = Long.MAX_VALUE;
    /** get flips a bit of what it returns. */
    volatile boolean corruptGets;
    private final AtomicInteger chunks = new AtomicInteger();
    private final AtomicInteger putIds = new AtomicInteger();
    private final Map<String, Upload> uploads = new ConcurrentHashMap<>();
    private final ServerSocket listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    private final List<Socket> sockets = Collections.synchronizedList(new ArrayList<>());

    private record Upload(String objectId, ByteArrayOutputStream bytes) {}

    Gateway(String name) throws IOException {
      this.name = name;
      Thread acceptor = new Thread(this::accept, "fake-" + name);
      acceptor.setDaemon(true);
      acceptor.start();
    }

    HostAndPort address() {
      return HostAndPort.fromParts(listener.getInetAddress().getHostAddress(), listener.getLocalPort());
    }

    /** Closes its socket and every connection: the process is gone. */
    void kill() {
      try {
        listener.close();
        synchronized (sockets) {
          for (Socket s : sockets) {
            s.close();
          }
        }
      } catch (IOException e) {
        throw new IllegalStateException(e);
      }
    }

    private void accept() {
      while (true) {
        try {
          Socket s = listener.accept();
          sockets.add(s);
          Thread t = new Thread(() -> serve(s), "fake-" + name + "-connection");
          t.setDaemon(true);
          t.start();
        } catch (IOException closed) {
          return;
        }
      }
    }

    private void serve(Socket socket) {
      try {
        TProtocol protocol = new TBinaryProtocol(new TFramedTransport(new TSocket(socket)));
        ObjectGateway.Processor<ObjectGateway.Iface> processor = new ObjectGateway.Processor<>(this);
        while (true) {
          processor.process(protocol, protocol);
        }
      } catch (TException gone) {
        // the client closed the connection, or the gateway was killed
      }
    }

    private void call(String what) throws TException {
      calls.add(name + ":" + what);
      if (unavailable) {
        throw ThriftErrors.toThrift(new DyadException(ErrorCode.UNAVAILABLE, name + " cannot reach the nodes"));
      }
    }

    private ObjectInfo info(String id) throws TException {
      byte[] data = objects.get(id);
      if (data == null) {
        throw ThriftErrors.toThrift(DyadException.notFound("object " + id + " does not exist"));
      }
      return new ObjectInfo(id, data.length, crcOf(data, data.length), false, 1);
    }

    @Override
    public PutSession beginPut(long sizeHint, String id, String credential) throws TException {
      call("beginPut:" + id);
      String objectId = id.isEmpty() ? ObjectId.random().value() : id;
      String putId = name + "-put-" + putIds.incrementAndGet();
      uploads.put(putId, new Upload(objectId, new ByteArrayOutputStream()));
      return new PutSession(putId, objectId, MAX_CHUNK);
    }

    @Override
    public void putChunk(String putId, long offset, ByteBuffer data) throws TException {
      call("putChunk:" + offset);
      if (chunks.incrementAndGet() > chunksBeforeFailing) {
        throw ThriftErrors.toThrift(new DyadException(ErrorCode.UNAVAILABLE, name + " lost its nodes mid-put"));
      }
      Upload u = uploads.get(putId);
      if (u == null || u.bytes().size() != offset) {
        throw ThriftErrors.toThrift(DyadException.invalidArgument("chunk at " + offset + " out of order"));
      }
      byte[] b = new byte[data.remaining()];
      data.get(b);
      u.bytes().writeBytes(b);
    }

    @Override
    public ObjectInfo commitPut(String putId, long length, int crc32c) throws TException {
      call("commitPut");
      Upload u = uploads.remove(putId);
      byte[] data = u.bytes().toByteArray();
      if (data.length != length || crcOf(data, data.length) != crc32c) {
        throw ThriftErrors.toThrift(new DyadException(ErrorCode.CHECKSUM_MISMATCH, "not what the client sent"));
      }
      objects.put(u.objectId(), data);
      return info(u.objectId());
    }

    @Override
    public void abortPut(String putId) throws TException {
      call("abortPut");
      uploads.remove(putId);
    }

    @Override
    public ObjectInfo putObject(String id, ByteBuffer data, int crc32c, String credential) throws TException {
      call("putObject:" + id);
      byte[] b = new byte[data.remaining()];
      data.get(b);
      if (crcOf(b, b.length) != crc32c) {
        throw ThriftErrors.toThrift(new DyadException(ErrorCode.CHECKSUM_MISMATCH, "not what the client sent"));
      }
      byte[] there = objects.putIfAbsent(id, b);
      if (there != null && !Arrays.equals(there, b)) {
        throw ThriftErrors.toThrift(new DyadException(ErrorCode.ALREADY_EXISTS, id + " holds other bytes"));
      }
      return info(id);
    }

    @Override
    public ByteBuffer get(String id, long offset, int length, String credential) throws TException {
      call("get:" + offset);
      if (offset >= failGetsFrom) {
        throw ThriftErrors.toThrift(new DyadException(ErrorCode.UNAVAILABLE, name + " lost its nodes mid-get"));
      }
      byte[] data = objects.get(id);
      if (data == null) {
        throw ThriftErrors.toThrift(DyadException.notFound("object " + id + " does not exist"));
      }
      int from = (int) Math.min(offset, data.length);
      byte[] part = Arrays.copyOfRange(data, from, (int) Math.min(data.length, from + (long) length));
      if (corruptGets && part.length > 0) {
        part[0] ^= 1;
      }
      return ByteBuffer.wrap(part);
    }

    @Override
    public ObjectInfo stat(String id, String credential) throws TException {
      call("stat");
      return info(id);
    }

    @Override
    public ReadPlan openRead(String id, String credential) throws TException {
      call("openRead");
      return new ReadPlan(info(id), ""); // read through the gateways
    }

    @Override
    public ObjectInfo deleteObject(String id, String credential) throws TException {
      call("deleteObject");
      ObjectInfo before = info(id);
      objects.remove(id);
      return before.setTombstone(true).setLength(0);
    }

    @Override
    public Locations locate(String id, String credential) throws TException {
      throw new UnsupportedOperationException("locate");
    }

    @Override
    public GatewayList listGateways() throws TException {
      call("listGateways");
      List<String> live = new ArrayList<>();
      for (Gateway g : gateways) {
        if (!g.listener.isClosed()) {
          live.add(g.address().toString());
        }
      }
      return new GatewayList(live, List.of(), MAX_CHUNK, "test", "test");
    }

    @Override
    public void ping() {
      calls.add(name + ":ping");
    }
  }

  static int crcOf(byte[] data, int length) {
    CRC32C crc = new CRC32C();
    crc.update(data, 0, length);
    return (int) crc.getValue();
  }
}
