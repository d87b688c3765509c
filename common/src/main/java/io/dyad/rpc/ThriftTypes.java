package io.dyad.rpc;

import com.google.common.net.HostAndPort;
import io.dyad.common.DyadException;
import io.dyad.common.ErrorCode;
import io.dyad.common.ObjectId;
import io.dyad.common.ObjectMeta;
import io.dyad.thrift.ObjectInfo;

/** The one conversion between Dyad's {@link ObjectMeta} and the IDL's {@code ObjectInfo}, both ways. */
public final class ThriftTypes {
  private ThriftTypes() {}

  public static ObjectInfo toThrift(ObjectMeta m) {
    return new ObjectInfo(m.id().value(), m.length(), m.crc32c(), m.tombstone(), m.writtenAtMillis());
  }

  /** @throws DyadException INTERNAL if {@code peer} sent an invalid object id (its fault, not the caller's) */
  public static ObjectMeta toMeta(HostAndPort peer, ObjectInfo info) throws DyadException {
    String problem = ObjectId.problemWith(info.getId());
    if (problem != null) {
      throw new DyadException(ErrorCode.INTERNAL, peer + " sent an invalid object id: " + problem);
    }
    return new ObjectMeta(ObjectId.of(info.getId()), info.getLength(), info.getCrc32c(), info.isTombstone(),
        info.getWrittenAtMillis());
  }
}
