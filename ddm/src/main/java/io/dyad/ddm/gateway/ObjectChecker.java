package io.dyad.ddm.gateway;

import com.google.common.net.HostAndPort;
import io.dyad.common.DyadException;
import io.dyad.common.ErrorCode;
import io.dyad.common.access.Locator;
import io.dyad.common.access.Locators;
import io.dyad.coordinator.model.GatewayInfo;
import io.dyad.coordinator.view.ClusterView;
import io.dyad.directory.api.ObjectGatewayClient;
import io.dyad.rpc.ConnectionPool;
import io.dyad.thrift.GatewayList;
import io.dyad.thrift.ObjectInfo;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;

/**
 * Asks the cluster's DOSMs about objects: whether an upload's object is there with the length and CRC32C a commit
 * claims, and which gateways are live. Tries the DOSMs in a random order until one answers.
 */
final class ObjectChecker {
  private final ClusterView view;
  private final ConnectionPool<ObjectGatewayClient> dosms;
  private final Optional<Locators> locators;

  ObjectChecker(ClusterView view, ConnectionPool<ObjectGatewayClient> dosms, Optional<Locators> locators) {
    this.view = view;
    this.dosms = dosms;
    this.locators = locators;
  }

  /**
   * @throws DyadException NOT_FOUND if the object was not written (or was deleted), CHECKSUM_MISMATCH if it differs
   *     from what the commit claims, UNAVAILABLE if no DOSM answers
   */
  void check(String objectId, long length, int crc32c) throws DyadException {
    String credential = locators.map(l -> l.sign(Locator.Operation.READ, objectId, Duration.ofMinutes(1))).orElse("");
    ObjectInfo info = onSomeDosm(c -> c.stat(objectId, credential));
    if (info.isTombstone()) {
      throw DyadException.notFound("object " + objectId + " was deleted; upload the file again");
    }
    if (info.getLength() != length || info.getCrc32c() != crc32c) {
      throw new DyadException(ErrorCode.CHECKSUM_MISMATCH, "object " + objectId + " holds " + info.getLength()
          + " bytes with CRC32C " + Integer.toUnsignedString(info.getCrc32c(), 16) + ", not " + length
          + " bytes with CRC32C " + Integer.toUnsignedString(crc32c, 16));
    }
  }

  GatewayList gateways() throws DyadException {
    return onSomeDosm(ObjectGatewayClient::listGateways);
  }

  private <T> T onSomeDosm(ConnectionPool.Call<ObjectGatewayClient, T> call) throws DyadException {
    List<GatewayInfo> live = new ArrayList<>(view.current().dosms().values());
    Collections.shuffle(live);
    DyadException last = null;
    for (GatewayInfo g : live) {
      try {
        return dosms.call(HostAndPort.fromString(g.address()), ConnectionPool.Retry.SAFE, call);
      } catch (DyadException e) {
        if (e.code() != ErrorCode.UNAVAILABLE) {
          throw e;
        }
        last = e;
      }
    }
    throw new DyadException(ErrorCode.UNAVAILABLE, live.isEmpty() ? "no DOSM is running"
        : "no DOSM answered: " + last.getMessage(), last);
  }
}
