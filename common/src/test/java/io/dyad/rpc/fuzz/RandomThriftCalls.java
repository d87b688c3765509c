package io.dyad.rpc.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.apache.thrift.ProcessFunction;
import org.apache.thrift.TApplicationException;
import org.apache.thrift.TBase;
import org.apache.thrift.TException;
import org.apache.thrift.TFieldIdEnum;
import org.apache.thrift.meta_data.EnumMetaData;
import org.apache.thrift.meta_data.FieldMetaData;
import org.apache.thrift.meta_data.FieldValueMetaData;
import org.apache.thrift.meta_data.ListMetaData;
import org.apache.thrift.meta_data.MapMetaData;
import org.apache.thrift.meta_data.SetMetaData;
import org.apache.thrift.meta_data.StructMetaData;
import org.apache.thrift.protocol.TBinaryProtocol;
import org.apache.thrift.protocol.TMessage;
import org.apache.thrift.protocol.TMessageType;
import org.apache.thrift.protocol.TType;
import org.apache.thrift.transport.TMemoryBuffer;
import org.apache.thrift.transport.TMemoryInputTransport;

/**
 * Well-formed Thrift calls with hostile arguments, built from a service's generated metadata: every field of every
 * method's arguments gets edge values (empty, negative, huge, "..", NUL, long strings, unset required fields,
 * nested structs and lists), so that a handler sees what a careless or hostile client could send. Driven by one
 * {@link Random}, so that a failing seed replays exactly. Shared with other modules' tests through dyad-common's
 * test jar.
 */
public final class RandomThriftCalls {
  private static final String[] STRINGS = {"", ".", "..", "/", "../../etc/passwd", "a/b", "\0", "ü", " ", "*",
      "00000000-0000-0000-0000-000000000000", "b1", "a1", "%s%n", "\uD800"};
  private static final long[] LONGS = {0, -1, 1, Long.MAX_VALUE, Long.MIN_VALUE, Integer.MAX_VALUE,
      Integer.MIN_VALUE, 4096, 1 << 20, 1L << 40};

  private final Random random;

  public RandomThriftCalls(Random random) {
    this.random = random;
  }

  /** What a {@link #fuzz} run got back: replies, and typed errors (exceptions other than internal errors). */
  public record Outcome(int replies, int typedErrors) {}

  /**
   * Sends {@code calls} random calls of {@code methods}, one at a time, on {@code socket} (framed binary Thrift): each
   * must get a reply or a typed error — never an internal error (a handler that threw what it did not mean to), never
   * a closed connection. An AssertionError names the failing call, method and seed, which replay it exactly.
   */
  public static Outcome fuzz(Socket socket, Map<String, ? extends ProcessFunction<?, ?>> methods, int calls,
      long seed, String target) throws IOException, TException {
    List<String> names = new ArrayList<>(methods.keySet());
    names.sort(null);
    Random random = new Random(seed);
    RandomThriftCalls generator = new RandomThriftCalls(random);
    DataOutputStream out = new DataOutputStream(new BufferedOutputStream(socket.getOutputStream(), 1 << 16));
    DataInputStream in = new DataInputStream(socket.getInputStream());
    int replies = 0;
    int typedErrors = 0;
    for (int i = 0; i < calls; i++) {
      String method = names.get(random.nextInt(names.size()));
      byte[] body = generator.call(method, methods.get(method).getEmptyArgsInstance(), i);
      out.writeInt(body.length);
      out.write(body);
      out.flush();
      String what = target + " call " + i + " (" + method + ", seed " + seed + ")";
      byte[] reply;
      try {
        reply = new byte[in.readInt()];
        in.readFully(reply);
      } catch (IOException e) {
        throw new AssertionError(what + ": the connection was closed", e);
      }
      TBinaryProtocol p = new TBinaryProtocol(new TMemoryInputTransport(reply), true, true);
      TMessage m = p.readMessageBegin();
      assertThat(m.seqid).as(what).isEqualTo(i);
      if (m.type == TMessageType.EXCEPTION) {
        TApplicationException e = TApplicationException.readFrom(p);
        assertThat(e.getType()).as(what + ": " + e.getMessage()).isNotEqualTo(TApplicationException.INTERNAL_ERROR);
        typedErrors++;
      } else {
        assertThat(m.type).as(what).isEqualTo(TMessageType.REPLY);
        replies++;
      }
    }
    return new Outcome(replies, typedErrors);
  }

  /** The body of a framed request: the message header and {@code args} filled with random values. */
  public byte[] call(String method, TBase<?, ?> args, int seqid) throws TException {
    fill(args, 0);
    TMemoryBuffer buffer = new TMemoryBuffer(1024);
    TBinaryProtocol p = new TBinaryProtocol(buffer, true, true);
    p.writeMessageBegin(new TMessage(method, TMessageType.CALL, seqid));
    try {
      args.write(p);
    } catch (TException unsetRequiredField) {
      // generated code refuses to write a struct whose required field is unset: send it without the arguments
      buffer = new TMemoryBuffer(64);
      p = new TBinaryProtocol(buffer, true, true);
      p.writeMessageBegin(new TMessage(method, TMessageType.CALL, seqid));
      p.writeStructBegin(null);
      p.writeFieldStop();
      p.writeStructEnd();
    }
    p.writeMessageEnd();
    return java.util.Arrays.copyOf(buffer.getArray(), buffer.length());
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private void fill(TBase struct, int depth) {
    Map<? extends TFieldIdEnum, FieldMetaData> fields = FieldMetaData.getStructMetaDataMap(struct.getClass());
    for (Map.Entry<? extends TFieldIdEnum, FieldMetaData> f : fields.entrySet()) {
      if (random.nextInt(10) == 0) {
        continue; // now and then a field is left out
      }
      Object value = value(f.getValue().valueMetaData, depth);
      if (value != null) {
        struct.setFieldValue(f.getKey(), value);
      }
    }
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private Object value(FieldValueMetaData meta, int depth) {
    switch (meta.type) {
      case TType.BOOL:
        return random.nextBoolean();
      case TType.BYTE:
        return (byte) random.nextInt();
      case TType.I16:
        return (short) someLong();
      case TType.I32:
        return (int) someLong();
      case TType.I64:
        return someLong();
      case TType.DOUBLE:
        return random.nextDouble() * someLong();
      case TType.STRING:
        return meta.isBinary() ? ByteBuffer.wrap(bytes()) : string();
      case TType.ENUM: {
        Object[] constants = ((EnumMetaData) meta).enumClass.getEnumConstants();
        return constants.length == 0 ? null : constants[random.nextInt(constants.length)];
      }
      case TType.STRUCT: {
        if (depth > 3) {
          return null;
        }
        try {
          TBase s = ((StructMetaData) meta).structClass.getDeclaredConstructor().newInstance();
          fill(s, depth + 1);
          return s;
        } catch (ReflectiveOperationException e) {
          throw new IllegalStateException(e);
        }
      }
      case TType.LIST: {
        List<Object> list = new ArrayList<>();
        for (int i = random.nextInt(depth > 1 ? 2 : 6); i > 0; i--) {
          Object v = value(((ListMetaData) meta).elemMetaData, depth + 1);
          if (v != null) {
            list.add(v);
          }
        }
        return list;
      }
      case TType.SET: {
        Set<Object> set = new HashSet<>();
        for (int i = random.nextInt(4); i > 0; i--) {
          Object v = value(((SetMetaData) meta).elemMetaData, depth + 1);
          if (v != null) {
            set.add(v);
          }
        }
        return set;
      }
      case TType.MAP: {
        Map<Object, Object> map = new HashMap<>();
        for (int i = random.nextInt(4); i > 0; i--) {
          Object k = value(((MapMetaData) meta).keyMetaData, depth + 1);
          Object v = value(((MapMetaData) meta).valueMetaData, depth + 1);
          if (k != null && v != null) {
            map.put(k, v);
          }
        }
        return map;
      }
      default:
        return null;
    }
  }

  private long someLong() {
    return random.nextBoolean() ? LONGS[random.nextInt(LONGS.length)] : random.nextLong() >> random.nextInt(64);
  }

  private String string() {
    switch (random.nextInt(4)) {
      case 0:
        return STRINGS[random.nextInt(STRINGS.length)];
      case 1:
        return "x".repeat(random.nextInt(20_000));
      case 2:
        return java.util.UUID.randomUUID().toString();
      default:
        return new String(bytes(), StandardCharsets.UTF_8);
    }
  }

  private byte[] bytes() {
    byte[] b = new byte[random.nextInt(8) == 0 ? random.nextInt(300_000) : random.nextInt(64)];
    random.nextBytes(b);
    return b;
  }
}
