package io.dyad.rpc.server;

import io.dyad.rpc.tls.TlsRecords;
import java.nio.charset.StandardCharsets;

/**
 * Names what a peer that does not speak Dyad's wire format (framed, strict binary Thrift) seems to speak, from
 * the first bytes it sent, so that an operator reading the log knows what to fix.
 */
final class ProtocolSniffer {
  private ProtocolSniffer() {}

  static String describe(byte[] first, int length) {
    if (length >= 2 && (first[0] & 0xff) == 0x80 && (first[1] & 0xff) == 0x01) {
      return "unframed binary Thrift (use the framed transport)";
    }
    if (length >= 1 && (first[0] & 0xff) == 0x82) {
      return "unframed compact Thrift (use the framed transport and the binary protocol)";
    }
    if (TlsRecords.looksLikeRecordHeader(first, length)) {
      return "a TLS handshake (this port speaks plain Thrift)";
    }
    if (length >= 4) {
      String head = new String(first, 0, Math.min(length, 8), StandardCharsets.US_ASCII);
      for (String verb : new String[] {"GET ", "POST", "PUT ", "HEAD", "DELE", "OPTI", "PRI "}) {
        if (head.startsWith(verb)) {
          return "HTTP (this port speaks framed binary Thrift, not HTTP)";
        }
      }
      if (head.chars().limit(4).allMatch(c -> c >= 0x20 && c < 0x7f)) {
        return "text starting with \"" + head.replaceAll("[^\\x20-\\x7e]", "?") + "\"";
      }
    }
    StringBuilder hex = new StringBuilder();
    for (int i = 0; i < Math.min(length, 8); i++) {
      hex.append(String.format("%02x", first[i] & 0xff));
    }
    return "unknown bytes " + hex;
  }
}
