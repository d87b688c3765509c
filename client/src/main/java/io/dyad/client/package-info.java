/**
 * The Java client of a Dyad cluster. {@link io.dyad.client.DyadClient} stores and reads objects: it starts from one
 * or more gateway (DOSM) addresses and learns the others, streams objects in and out in bounded memory with an
 * end-to-end CRC32C check, reads straight from the storage node that serves an object, and moves to another gateway
 * when one fails (a read resumes at its offset, a put starts again under the same id).
 * {@link io.dyad.client.FileSystemClient} adds files by path: the namespace through the DDMs, the bytes through the
 * object client. Both are thread-safe and {@link java.lang.AutoCloseable}; their connection pools are bounded.
 *
 * <pre>{@code
 * ClientConfig config = ClientConfig.of(List.of(HostAndPort.fromString("127.0.0.1:9200")))
 *     .withThrift(ThriftClientConfig.defaults().withTls(tls));        // if the cluster runs TLS
 * try (FileSystemClient fs = FileSystemClient.connect(config)) {
 *   fs.mkdir("home", "/docs", true);
 *   fs.write("home", "/docs/report.pdf", Path.of("report.pdf"));     // retried on another gateway if one fails
 *   try (InputStream in = fs.open("home", "/docs/report.pdf", 0, -1)) {  // CRC32C checked at the end
 *     in.transferTo(System.out);
 *   }
 *   for (FileEntry e : fs.entries("home", "/docs")) {                  // a page at a time
 *     System.out.println(e.name() + " " + e.length());
 *   }
 *   fs.rename("home", "/docs/report.pdf", "/docs/2026.pdf");
 *   fs.delete("home", "/docs", true);
 * } catch (DyadException e) {
 *   switch (e.code()) { case NOT_FOUND -> ...; case UNAVAILABLE -> ...; default -> ... }
 * }
 * }</pre>
 *
 * <p>Errors are {@link io.dyad.common.DyadException}s with an {@link io.dyad.common.ErrorCode}; inside a stream they
 * are {@link io.dyad.client.DyadIOException}s and inside an iteration {@link io.dyad.client.UncheckedDyadException}s,
 * each carrying the typed failure.
 */
package io.dyad.client;
