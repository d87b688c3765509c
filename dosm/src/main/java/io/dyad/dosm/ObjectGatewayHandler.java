package io.dyad.dosm;

import static io.dyad.rpc.ThriftTypes.toThrift;

import com.codahale.metrics.MetricRegistry;
import io.dyad.common.DyadException;
import io.dyad.common.DyadVersion;
import io.dyad.common.ObjectId;
import io.dyad.common.access.Locator;
import io.dyad.coordinator.model.GatewayInfo;
import io.dyad.coordinator.view.ClusterSnapshot;
import io.dyad.rpc.server.HandlerEdge;
import io.dyad.rpc.server.ReplyBuffers;
import io.dyad.thrift.GatewayList;
import io.dyad.thrift.Location;
import io.dyad.thrift.ObjectGateway;
import io.dyad.thrift.ObjectInfo;
import io.dyad.thrift.ObjectState;
import io.dyad.thrift.PutSession;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import org.apache.thrift.TException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The Thrift edge of a DOSM: ids validated, types converted, errors mapped, every call timed. */
final class ObjectGatewayHandler implements ObjectGateway.Iface {
  private static final Logger LOG = LoggerFactory.getLogger(ObjectGatewayHandler.class);

  private final Supplier<Gateway> gateways;
  private final ObjectAccess access;
  private final MetricRegistry metrics;
  private final HandlerEdge edge;
  private final ReplyBuffers replyBuffers;

  /** @param gateways the gateway (it exists once the DOSM core runs, before the server accepts calls) */
  ObjectGatewayHandler(String instance, Supplier<Gateway> gateways, ObjectAccess access, int maxChunkBytes,
      MetricRegistry metrics) {
    this.gateways = gateways;
    this.access = access;
    this.metrics = metrics;
    this.edge = new HandlerEdge(LOG, "dosm=" + instance, "dosm", metrics);
    this.replyBuffers = ReplyBuffers.forHeap(maxChunkBytes, 16);
  }

  @FunctionalInterface
  private interface GatewayCall<T> {
    T run(Gateway gateway) throws DyadException;
  }

  private <T> T call(String method, GatewayCall<T> body) throws TException {
    return edge.call(method, () -> body.run(gateways.get()));
  }

  private static <T> T required(T value, String name) throws DyadException {
    if (value == null) {
      throw DyadException.invalidArgument("the argument " + name + " is missing");
    }
    return value;
  }

  @Override
  public PutSession beginPut(long sizeHint, String id, String credential) throws TException {
    return call("beginPut", gateway -> {
      Optional<ObjectId> requested = id == null || id.isEmpty() ? Optional.empty() : Optional.of(ObjectId.of(id));
      // a write locator names its object: a put under a new random id needs an operator's credential
      access.check(credential, Locator.Operation.WRITE, requested.map(ObjectId::value).orElse(""));
      PutOperation op = gateway.beginPut(sizeHint, requested);
      return new PutSession(op.putId, op.id.value(), gateway.maxChunkBytes());
    });
  }

  @Override
  public void putChunk(String putId, long offset, ByteBuffer data) throws TException {
    call("putChunk", gateway -> {
      int n = required(data, "data").remaining();
      gateway.putChunk(required(putId, "putId"), offset, data);
      metrics.meter("dosm.bytes.in").mark(n);
      return null;
    });
  }

  @Override
  public ObjectInfo commitPut(String putId, long length, int crc32c) throws TException {
    return call("commitPut", gateway -> toThrift(gateway.commitPut(required(putId, "putId"), length, crc32c)));
  }

  @Override
  public ObjectInfo putObject(String id, ByteBuffer data, int crc32c, String credential) throws TException {
    return call("putObject", gateway -> {
      Optional<ObjectId> requested = id == null || id.isEmpty() ? Optional.empty() : Optional.of(ObjectId.of(id));
      access.check(credential, Locator.Operation.WRITE, requested.map(ObjectId::value).orElse(""));
      ByteBuffer content = required(data, "data");
      int n = content.remaining();
      ObjectInfo stored = toThrift(gateway.putObject(requested, content, crc32c));
      metrics.meter("dosm.bytes.in").mark(n);
      return stored;
    });
  }

  @Override
  public void abortPut(String putId) throws TException {
    call("abortPut", gateway -> {
      gateway.abortPut(putId);
      return null;
    });
  }

  @Override
  public ByteBuffer get(String id, long offset, int length, String credential) throws TException {
    return call("get", gateway -> {
      ObjectId oid = ObjectId.of(id);
      access.check(credential, Locator.Operation.READ, oid.value());
      ByteBuffer data = gateway.get(oid, offset, length, replyBuffers);
      metrics.meter("dosm.bytes.out").mark(data.remaining());
      return data;
    });
  }

  @Override
  public io.dyad.thrift.ReadPlan openRead(String id, String credential) throws TException {
    return call("openRead", gateway -> {
      ObjectId oid = ObjectId.of(id);
      access.check(credential, Locator.Operation.READ, oid.value());
      Gateway.ReadPlan plan = gateway.openRead(oid);
      return new io.dyad.thrift.ReadPlan(toThrift(plan.meta()), plan.node().map(Object::toString).orElse(""));
    });
  }

  @Override
  public ObjectInfo stat(String id, String credential) throws TException {
    return call("stat", gateway -> {
      ObjectId oid = ObjectId.of(id);
      access.check(credential, Locator.Operation.READ, oid.value());
      return toThrift(gateway.stat(oid));
    });
  }

  @Override
  public ObjectInfo deleteObject(String id, String credential) throws TException {
    return call("deleteObject", gateway -> {
      ObjectId oid = ObjectId.of(id);
      access.check(credential, Locator.Operation.DELETE, oid.value());
      return toThrift(gateway.delete(oid));
    });
  }

  @Override
  public io.dyad.thrift.Locations locate(String id, String credential) throws TException {
    return call("locate", gateway -> {
      ObjectId oid = ObjectId.of(id);
      access.check(credential, Locator.Operation.READ, oid.value());
      Locations l = gateway.locate(oid);
      List<Location> out = new ArrayList<>();
      for (Locations.Location loc : l.locations()) {
        ObjectState state = switch (loc.state()) {
          case PRESENT -> ObjectState.PRESENT;
          case DELETED -> ObjectState.DELETED;
          default -> ObjectState.ABSENT;
        };
        out.add(new Location(loc.member(), loc.address(), loc.center(), state, loc.how()));
      }
      return new io.dyad.thrift.Locations(l.id().value(), l.pairId(), out);
    });
  }

  @Override
  public GatewayList listGateways() throws TException {
    return call("listGateways", gateway -> {
      ClusterSnapshot s = gateway.snapshot();
      List<String> dosms = s.dosms().values().stream().map(GatewayInfo::address).sorted().toList();
      List<String> ddms = s.ddms().values().stream().map(GatewayInfo::address).sorted().toList();
      return new GatewayList(new ArrayList<>(dosms), new ArrayList<>(ddms), gateway.maxChunkBytes(),
          s.cluster().map(c -> c.name()).orElse(""), DyadVersion.get());
    });
  }

  @Override
  public void ping() {}
}
