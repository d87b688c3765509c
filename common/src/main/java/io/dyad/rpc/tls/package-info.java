/**
 * TLS for Dyad's Thrift links: certificates and keys read from PEM files or a PKCS#12 keystore
 * ({@link io.dyad.rpc.tls.TlsFiles}), the context a server and its clients share ({@link io.dyad.rpc.tls.Tls}),
 * and one-line explanations of failed handshakes ({@link io.dyad.rpc.tls.TlsErrors}).
 */
package io.dyad.rpc.tls;
