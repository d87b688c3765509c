package io.dyad.cli.bench;

import static java.nio.file.StandardOpenOption.CREATE_NEW;
import static java.nio.file.StandardOpenOption.WRITE;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;

/** What this machine can do without Dyad: the references for every ratio the benchmarks print. */
final class RawLimits {
  private RawLimits() {}

  /** Writes {@code count} files of {@code fileBytes} each in {@code bufferBytes} writes, fsyncing each file. */
  static Rate diskWrite(Path dir, int count, long fileBytes, int bufferBytes) throws IOException {
    ByteBuffer buf = ByteBuffer.allocateDirect(bufferBytes);
    new java.util.Random(1).ints(bufferBytes / 4).forEach(buf::putInt);
    long start = System.nanoTime();
    for (int i = 0; i < count; i++) {
      Path f = dir.resolve("raw-" + i);
      try (FileChannel ch = FileChannel.open(f, CREATE_NEW, WRITE)) {
        for (long written = 0; written < fileBytes; ) {
          buf.clear().limit((int) Math.min(bufferBytes, fileBytes - written));
          while (buf.hasRemaining()) {
            written += ch.write(buf);
          }
        }
        ch.force(true);
      }
    }
    long nanos = System.nanoTime() - start;
    for (int i = 0; i < count; i++) {
      Files.deleteIfExists(dir.resolve("raw-" + i));
    }
    return Rate.bytes("raw disk write+fsync", count * fileBytes, nanos);
  }

  /** Creates {@code count} small files of {@code bytes} each, fsyncing each file and its directory. */
  static Rate smallFileWrites(Path dir, int count, int bytes) throws IOException {
    Path sub = Files.createDirectories(dir.resolve("raw-small"));
    ByteBuffer buf = ByteBuffer.allocate(bytes);
    long start = System.nanoTime();
    for (int i = 0; i < count; i++) {
      try (FileChannel ch = FileChannel.open(sub.resolve("f" + i), CREATE_NEW, WRITE)) {
        buf.clear();
        while (buf.hasRemaining()) {
          ch.write(buf);
        }
        ch.force(true);
      }
      try (FileChannel d = FileChannel.open(sub, java.nio.file.StandardOpenOption.READ)) {
        d.force(true);
      }
    }
    long nanos = System.nanoTime() - start;
    for (int i = 0; i < count; i++) {
      Files.deleteIfExists(sub.resolve("f" + i));
    }
    Files.deleteIfExists(sub);
    return Rate.ops("raw small file write+fsync", count, nanos);
  }

  /** Streams {@code totalBytes} through a loopback TCP connection in {@code bufferBytes} writes. */
  static Rate loopbackStream(long totalBytes, int bufferBytes) throws IOException, InterruptedException {
    InetAddress lo = InetAddress.getLoopbackAddress();
    try (ServerSocket server = new ServerSocket(0, 1, lo)) {
      AtomicLong received = new AtomicLong();
      Thread sink = new Thread(() -> {
        try (Socket s = server.accept(); InputStream in = s.getInputStream()) {
          byte[] b = new byte[bufferBytes];
          int n;
          while ((n = in.read(b)) > 0) {
            received.addAndGet(n);
          }
        } catch (IOException e) {
          received.set(-1);
        }
      }, "loopback-sink");
      sink.start();
      byte[] b = new byte[bufferBytes];
      long start = System.nanoTime();
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress(lo, server.getLocalPort()));
        OutputStream out = s.getOutputStream();
        for (long sent = 0; sent < totalBytes; sent += bufferBytes) {
          out.write(b, 0, (int) Math.min(bufferBytes, totalBytes - sent));
        }
        s.shutdownOutput();
        sink.join();
      }
      long nanos = System.nanoTime() - start;
      if (received.get() != totalBytes) {
        throw new IOException("loopback sink received " + received.get() + " of " + totalBytes + " bytes");
      }
      return Rate.bytes("raw loopback TCP stream", totalBytes, nanos);
    }
  }
}
