package io.dyad.directory.namespace;

import org.apache.thrift.TBase;
import org.apache.thrift.TDeserializer;
import org.apache.thrift.TException;
import org.apache.thrift.TSerializer;
import org.apache.thrift.protocol.TBinaryProtocol;

/**
 * Thrift structs to and from bytes (binary protocol), for what a directory server stores: the same encoding as on
 * the wire, versioned by field ids. Thread-safe: Thrift's serializers are not, so each thread has its own.
 */
final class ThriftCodec {
  private static final ThreadLocal<TSerializer> SERIALIZER = ThreadLocal.withInitial(() -> {
    try {
      return new TSerializer(new TBinaryProtocol.Factory());
    } catch (TException e) {
      throw new IllegalStateException("cannot set up Thrift serialization", e);
    }
  });
  private static final ThreadLocal<TDeserializer> DESERIALIZER = ThreadLocal.withInitial(() -> {
    try {
      return new TDeserializer(new TBinaryProtocol.Factory());
    } catch (TException e) {
      throw new IllegalStateException("cannot set up Thrift deserialization", e);
    }
  });

  byte[] encode(TBase<?, ?> value) {
    try {
      return SERIALIZER.get().serialize(value);
    } catch (TException e) {
      throw new IllegalStateException("cannot encode " + value, e);
    }
  }

  <T extends TBase<?, ?>> T decode(T empty, byte[] bytes) {
    try {
      DESERIALIZER.get().deserialize(empty, bytes);
      return empty;
    } catch (TException e) {
      throw new IllegalStateException("stored " + empty.getClass().getSimpleName() + " cannot be read: " + e.getMessage(),
          e);
    }
  }
}
