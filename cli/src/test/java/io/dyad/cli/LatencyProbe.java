package io.dyad.cli;

import com.google.common.net.HostAndPort;
import io.dyad.client.ClientConfig;
import io.dyad.client.DyadClient;
import io.dyad.common.ObjectMeta;
import io.dyad.rpc.ThriftClientConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * A well-behaved client that connects from its own address while an attack runs, then puts objects and gets them
 * back one after the other, timing each call: the worst put and get are what the attack cost it. Its first put
 * includes connecting (a client locked out at accept shows there). Every failure is recorded, not thrown.
 */
final class LatencyProbe {
  final String name;
  final List<String> failures = new ArrayList<>();
  private long worstPutNanos;
  private long worstGetNanos;
  private int puts;
  private int gets;

  private LatencyProbe(String name) {
    this.name = name;
  }

  /**
   * Connects from {@code localHost} to {@code dosm} and does {@code rounds} puts of {@code bytes} each (in 1 MiB
   * chunks), each followed by a get of it through the gateway.
   */
  static LatencyProbe run(String name, HostAndPort dosm, String localHost, int rounds, long bytes) {
    LatencyProbe p = new LatencyProbe(name);
    long started = System.nanoTime();
    ClientConfig config = ClientConfig.of(List.of(dosm)).withDirectReads(false).withThrift(ThriftClientConfig
        .defaults().withLocalHost(localHost).withRequestTimeout(Duration.ofSeconds(60)));
    try (DyadClient client = DyadClient.connect(config)) {
      for (int i = 0; i < rounds; i++) {
        long seed = System.nanoTime();
        long t0 = i == 0 ? started : System.nanoTime();
        ObjectMeta m;
        try {
          m = client.put(Optional.empty(), () -> Streams.generated(seed, bytes), bytes);
        } catch (Exception e) {
          p.failures.add("put " + i + ": " + e);
          continue;
        } finally {
          p.worstPutNanos = Math.max(p.worstPutNanos, System.nanoTime() - t0);
          p.puts++;
        }
        long t1 = System.nanoTime();
        try {
          Streams.CrcSink sink = new Streams.CrcSink();
          client.get(m.id(), sink);
          if (sink.crc() != m.crc32c()) {
            p.failures.add("get " + i + ": wrong bytes");
          }
        } catch (Exception e) {
          p.failures.add("get " + i + ": " + e);
        } finally {
          p.worstGetNanos = Math.max(p.worstGetNanos, System.nanoTime() - t1);
          p.gets++;
        }
      }
    } catch (Exception e) {
      p.failures.add("connect: " + e);
      p.worstPutNanos = Math.max(p.worstPutNanos, System.nanoTime() - started);
    }
    System.out.println(p.summary());
    return p;
  }

  long worstPutMillis() {
    return TimeUnit.NANOSECONDS.toMillis(worstPutNanos);
  }

  long worstGetMillis() {
    return TimeUnit.NANOSECONDS.toMillis(worstGetNanos);
  }

  String summary() {
    return String.format("LATENCY during %s: worst put %d ms, worst get %d ms (%d puts, %d gets, %d failed)%s", name,
        worstPutMillis(), worstGetMillis(), puts, gets, failures.size(),
        failures.isEmpty() ? "" : "; first failures: " + failures.subList(0, Math.min(3, failures.size())));
  }
}
