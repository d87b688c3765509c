package io.dyad.ddm.namespace;

import org.apache.thrift.TBase;
import org.apache.thrift.TDeserializer;
import org.apache.thrift.TException;
import org.apache.thrift.TSerializer;
import org.apache.thrift.protocol.TBinaryProtocol;

/**
 * Thrift structs to and from bytes (binary protocol), for what a directory server stores: the same encoding as on
 * the wire, versioned by field ids. Not thread-safe: one per thread (or per store, used under its lock).
 */
final class ThriftCodec {
  private final TSerializer serializer;
  private final TDeserializer deserializer;

  ThriftCodec() {
    try {
      serializer = new TSerializer(new TBinaryProtocol.Factory());
      deserializer = new TDeserializer(new TBinaryProtocol.Factory());
    } catch (TException e) {
      throw new IllegalStateException("cannot set up Thrift serialization", e);
    }
  }

  byte[] encode(TBase<?, ?> value) {
    try {
      return serializer.serialize(value);
    } catch (TException e) {
      throw new IllegalStateException("cannot encode " + value, e);
    }
  }

  <T extends TBase<?, ?>> T decode(T empty, byte[] bytes) {
    try {
      deserializer.deserialize(empty, bytes);
      return empty;
    } catch (TException e) {
      throw new IllegalStateException("stored " + empty.getClass().getSimpleName() + " cannot be read: " + e.getMessage(),
          e);
    }
  }
}
