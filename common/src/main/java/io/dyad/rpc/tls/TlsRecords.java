package io.dyad.rpc.tls;

/** Recognises TLS on a link that expected plain framed Thrift, so that each side can say so in one line. */
public final class TlsRecords {
  private TlsRecords() {}

  /**
   * Whether the first bytes are a TLS record header: content type 20-23 (change cipher spec, alert, handshake,
   * application data), protocol version 3.x with x at most 4. A client's first record is a handshake (22); a TLS
   * server answers a plain client with an alert (21). Read as a Thrift frame size it would be over 335 MB.
   */
  public static boolean looksLikeRecordHeader(byte[] head, int length) {
    return length >= 3 && head[0] >= 20 && head[0] <= 23 && head[1] == 3 && head[2] >= 0 && head[2] <= 4;
  }
}
