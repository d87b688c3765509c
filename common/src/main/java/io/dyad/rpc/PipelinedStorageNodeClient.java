package io.dyad.rpc;

import io.dyad.thrift.StorageNode;
import java.util.ArrayDeque;
import org.apache.thrift.TApplicationException;
import org.apache.thrift.TBase;
import org.apache.thrift.TException;
import org.apache.thrift.protocol.TMessage;
import org.apache.thrift.protocol.TMessageType;
import org.apache.thrift.protocol.TProtocol;

/**
 * The generated client, allowed to have several calls in flight on one connection: a storage node answers
 * the calls of a connection in order, so replies are matched to requests by a queue of sequence ids instead
 * of "the last one sent". Lets a reader ask for the next chunk before it has checksummed the current one,
 * which keeps both ends busy. Calls used one at a time behave exactly as in the generated client.
 */
final class PipelinedStorageNodeClient extends StorageNode.Client {
  private final ArrayDeque<Integer> awaited = new ArrayDeque<>();

  PipelinedStorageNodeClient(TProtocol protocol) {
    super(protocol);
  }

  @Override
  protected void sendBase(String methodName, TBase<?, ?> args) throws TException {
    super.sendBase(methodName, args);
    awaited.add(seqid_);
  }

  @Override
  protected void receiveBase(TBase<?, ?> result, String methodName) throws TException {
    int expected = awaited.isEmpty() ? seqid_ : awaited.poll();
    TMessage msg = iprot_.readMessageBegin();
    if (msg.type == TMessageType.EXCEPTION) {
      TApplicationException x = new TApplicationException();
      x.read(iprot_);
      iprot_.readMessageEnd();
      throw x;
    }
    if (msg.seqid != expected) {
      throw new TApplicationException(TApplicationException.BAD_SEQUENCE_ID,
          methodName + " failed: out of sequence response: expected " + expected + " but got " + msg.seqid);
    }
    result.read(iprot_);
    iprot_.readMessageEnd();
  }

  /** Calls sent whose replies have not been read yet. */
  int inFlight() {
    return awaited.size();
  }
}
