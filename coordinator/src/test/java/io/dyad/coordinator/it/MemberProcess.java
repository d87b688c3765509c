package io.dyad.coordinator.it;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** {@link MemberProcessMain} in its own JVM, so that a test can kill -9 a registered member. */
final class MemberProcess implements AutoCloseable {
  private final Process process;

  private MemberProcess(Process process) {
    this.process = process;
  }

  static MemberProcess start(String connect, String id, String address, Duration sessionTimeout) throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process p = new ProcessBuilder(List.of(java, "-Xmx64m", "-cp", System.getProperty("java.class.path"),
        MemberProcessMain.class.getName(), connect, id, address, Long.toString(sessionTimeout.toMillis())))
        .redirectError(ProcessBuilder.Redirect.DISCARD).start();
    BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    String line;
    while ((line = out.readLine()) != null && System.nanoTime() < deadline) {
      if (line.startsWith("registered")) {
        return new MemberProcess(p);
      }
    }
    p.destroyForcibly();
    throw new IllegalStateException("member process " + id + " did not register");
  }

  /** SIGKILL: the process cannot close its session; ZooKeeper expires it after the session timeout. */
  void kill9() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor(30, TimeUnit.SECONDS);
  }

  @Override
  public void close() throws InterruptedException {
    kill9();
  }
}
