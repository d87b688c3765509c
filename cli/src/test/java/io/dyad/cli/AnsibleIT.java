package io.dyad.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Ansible deployment in {@code ansible/}, run for real with {@code ansible-playbook} (Debian's ansible-core)
 * against this machine: the example inventory, every "host" a loopback address with {@code ansible_connection:
 * local}, everything installed under a temporary prefix, daemons in daemon mode, on free ports. Checks a file round
 * trip through the deployed DDM and DOSM, {@code /health} of every member, that a second {@code site.yml} changes
 * nothing (with {@code -Ddyad.it.full=true}), and that {@code rolling-restart.yml} (of two members, or with
 * {@code -Ddyad.it.full=true} of all) keeps a background writer and reader going without losing or
 * failing an acknowledged file; {@code teardown.yml} stops every daemon at the end.
 */
class AnsibleIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern RECAP = Pattern.compile(
      "^(\\S+)\\s*:\\s*ok=(\\d+)\\s+changed=(\\d+)\\s+unreachable=(\\d+)\\s+failed=(\\d+)", Pattern.MULTILINE);
  /** {@code -Ddyad.it.full=true}: also the second passes that prove the playbooks idempotent. */
  private static final boolean FULL = Boolean.getBoolean("dyad.it.full");
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  @TempDir Path tmp;

  private final long started = System.nanoTime();
  private Path ansibleDir;
  private Path varsFile;
  private final Map<String, String> clientEnv = new HashMap<>();
  /** Inventory files given to ansible-playbook; empty: the one ansible.cfg names. */
  private final List<String> inventories = new ArrayList<>();
  /** The storage pair the test adds with add-pairs.yml, from a second inventory file. */
  private static final Map<String, String> GROWN = Map.of("a3", "127.0.1.43", "b3", "127.0.2.43");

  record Run(int exitCode, String output) {
    /** The PLAY RECAP: host to {ok, changed, unreachable, failed}. */
    Map<String, int[]> recap() {
      int at = output.lastIndexOf("PLAY RECAP");
      assertThat(at).as("a PLAY RECAP in\n" + tail()).isNotNegative();
      Map<String, int[]> hosts = new LinkedHashMap<>();
      Matcher m = RECAP.matcher(output.substring(at));
      while (m.find()) {
        hosts.put(m.group(1), new int[] {Integer.parseInt(m.group(2)), Integer.parseInt(m.group(3)),
            Integer.parseInt(m.group(4)), Integer.parseInt(m.group(5))});
      }
      return hosts;
    }

    String tail() {
      return output.length() > 12_000 ? "...\n" + output.substring(output.length() - 12_000) : output;
    }
  }

  @Test
  @Timeout(value = 10, unit = TimeUnit.MINUTES)
  void deploysAClusterThatSurvivesARollingRestart() throws Exception {
    String ansiblePlaybook = onPath("ansible-playbook");
    assertThat(ansiblePlaybook)
        .as("ansible-playbook is not on PATH: install Debian's ansible-core (apt-get install -y ansible-core)")
        .isNotNull();
    ansibleDir = LocalDyad.repositoryRoot().resolve("ansible");
    assertThat(ansibleDir.resolve("site.yml")).exists();
    Path tarball = DyadProcess.launcher().getParent().getParent().resolveSibling("dyad.tar.gz");
    assertThat(tarball).as("the distribution tarball; run mvn package first").exists();
    Path prefix = tmp.resolve("prefix");

    // the example inventory: hosts, their loopback addresses and groups
    JsonNode inventory = JSON.readTree(run(List.of(onPath("ansible-inventory"), "--list"), Duration.ofMinutes(1))
        .output());
    Map<String, String> address = new LinkedHashMap<>();
    inventory.path("_meta").path("hostvars").properties().forEach(
        e -> address.put(e.getKey(), e.getValue().path("ansible_host").asText(e.getKey())));
    List<String> zookeeper = hosts(inventory, "zookeeper");
    List<String> members = new ArrayList<>(hosts(inventory, "center_a"));
    members.addAll(hosts(inventory, "center_b"));
    List<String> storage = members.stream()
        .filter(h -> "storage".equals(inventory.path("_meta").path("hostvars").path(h).path("dyad_member_kind")
            .asText()))
        .toList();
    List<String> directories = members.stream().filter(h -> !storage.contains(h)).toList();
    List<String> coordinators = hosts(inventory, "coordinator");
    List<String> dosms = hosts(inventory, "dosm");
    List<String> ddms = hosts(inventory, "ddm");
    assertThat(storage).hasSizeGreaterThanOrEqualTo(2);
    assertThat(directories).hasSizeGreaterThanOrEqualTo(2);
    assertThat(zookeeper).hasSize(1);
    assertThat(dosms).isNotEmpty();
    assertThat(ddms).isNotEmpty();
    List<String> daemons = new ArrayList<>(members);
    daemons.addAll(coordinators);
    daemons.addAll(dosms);
    daemons.addAll(ddms);

    // free ports, the same on every host of a kind
    int zkPort = FreePorts.freeOnAll(addresses(address, zookeeper));
    GROWN.forEach(address::put);
    List<String> storageAndGrown = new ArrayList<>(storage);
    storageAndGrown.addAll(GROWN.keySet());
    int storagePort = FreePorts.freeOnAll(addresses(address, storageAndGrown));
    int directoryPort = FreePorts.freeOnAll(addresses(address, directories));
    int dosmPort = FreePorts.freeOnAll(addresses(address, dosms));
    int ddmPort = FreePorts.freeOnAll(addresses(address, ddms));
    List<String> daemonsAndGrown = new ArrayList<>(daemons);
    daemonsAndGrown.addAll(GROWN.keySet());
    int adminPort = FreePorts.freeOnAll(addresses(address, daemonsAndGrown));
    Map<String, Object> vars = new LinkedHashMap<>();
    vars.put("dyad_prefix", prefix.toString());
    vars.put("dyad_tarball", tarball.toString());
    vars.put("zookeeper_client_port", zkPort);
    vars.put("dyad_storage_port", storagePort);
    vars.put("dyad_directory_port", directoryPort);
    vars.put("dyad_dosm_port", dosmPort);
    vars.put("dyad_ddm_port", ddmPort);
    vars.put("dyad_admin_port", adminPort);
    // the timings of dyad local rather than of a production cluster: a restarted member fails over and back in
    // seconds, and its daemons and commands start as the other tests' processes do
    vars.put("zookeeper_tick_ms", 500);
    vars.put("dyad_zk_session_ms", 4000);
    vars.put("dyad_coordinator_grace_ms", 1000);
    vars.put("dyad_health_delay", 1);
    vars.put("dyad_health_retries", 180);
    vars.put("dyad_extra_env", Map.of("DYAD_JAVA_OPTS", DyadProcess.TEST_JVM_OPTIONS));
    varsFile = tmp.resolve("vars.json");
    Files.writeString(varsFile, JSON.writeValueAsString(vars));

    clientEnv.put("DYAD_ZK", address.get(zookeeper.get(0)) + ":" + zkPort);
    clientEnv.put("DYAD_GATEWAYS", String.join(",", dosms.stream().map(h -> address.get(h) + ":" + dosmPort)
        .toList()));
    clientEnv.put("DYAD_DDM", address.get(ddms.get(0)) + ":" + ddmPort);
    clientEnv.put("DYAD_SECRET_FILE", prefix.resolve("etc/secret").toString());

    boolean passed = false;
    try {
      // 1. deploy
      Run first = playbook("site.yml");
      assertThat(first.exitCode()).as("site.yml\n" + first.tail()).isZero();
      assertThat(first.recap()).as("every host in the recap").containsKeys(daemons.toArray(String[]::new));
      first.recap().forEach((host, counts) -> assertThat(counts[3] + counts[2])
          .as("failed + unreachable of " + host + "\n" + first.tail()).isZero());

      // 2. /health of every member is 200
      assertHealthy(daemons, address, adminPort, "after site.yml");

      phase("every /health is 200");

      // 3. a file round trip through the deployed DDM and DOSM
      ok("volume", "create", "ans");
      ok("fs", "mkdir", "-p", "ans:/rolling");
      byte[] content = new byte[3 * 1024 * 1024 + 17];
      new Random(7).nextBytes(content);
      Path source = tmp.resolve("round-trip.bin");
      Files.write(source, content);
      ok("fs", "put", "-q", source.toString(), "ans:/round-trip.bin");
      Path copy = tmp.resolve("round-trip.copy");
      ok("fs", "get", "-q", "ans:/round-trip.bin", copy.toString());
      assertThat(Files.readAllBytes(copy)).as("the bytes read back through the DDM and DOSM").isEqualTo(content);

      // 4. a second run changes nothing (the idempotence passes run with -Ddyad.it.full=true: each costs a minute)
      if (FULL) {
        Run second = playbook("site.yml");
        assertThat(second.exitCode()).as("second site.yml\n" + second.tail()).isZero();
        second.recap().forEach((host, counts) -> assertThat(counts[1])
            .as("changed= of " + host + " in the second site.yml run\n" + second.tail()).isZero());
      }

      // 5. a rolling restart under a background writer and reader: of every member with -Ddyad.it.full=true, else
      // of a storage node of center A and a directory server of center B (the same tasks for each host, 40 s each)
      List<String> rolled = FULL ? members : List.of(storage.get(0), directories.get(directories.size() - 1));
      Traffic workload = new Traffic(tmp.resolve("workload"));
      Run rolling;
      try {
        workload.start();
        workload.awaitAcknowledged(3, Duration.ofSeconds(60));
        rolling = FULL ? playbook("rolling-restart.yml") : playbook("rolling-restart.yml", "--limit",
            String.join(",", rolled));
        // keep going a little after the last member is back
        int before = workload.acknowledged.size();
        workload.awaitAcknowledged(before + 2, Duration.ofSeconds(60));
      } finally {
        workload.stop();
      }
      assertThat(rolling.exitCode()).as("rolling-restart.yml\n" + rolling.tail()).isZero();
      Map<String, int[]> restarted = rolling.recap();
      for (String member : rolled) {
        assertThat(restarted).as("rolling-restart.yml restarted " + member).containsKey(member);
        assertThat(restarted.get(member)[1]).as("changes on " + member + " (stop, start)").isPositive();
        assertThat(restarted.get(member)[3]).as("failed on " + member + "\n" + rolling.tail()).isZero();
      }
      assertThat(workload.readFailures).as("reads of acknowledged files that failed during the rolling restart")
          .isEmpty();
      assertThat(workload.reads.get()).as("reads during the rolling restart").isPositive();
      assertThat(workload.acknowledged.size()).as("writes acknowledged during the rolling restart (put failures, "
          + "which are not acknowledged: " + workload.putFailures + ")").isGreaterThanOrEqualTo(5);
      phase(workload.acknowledged.size() + " writes acknowledged, " + workload.putFailures.size() + " failed; "
          + workload.reads.get() + " reads");
      // every acknowledged write reads back byte-identical (one fs get -r, rather than a JVM per file)
      Path readBack = tmp.resolve("read-back");
      ok("fs", "get", "-r", "-q", "ans:/rolling", readBack.toString());
      for (Map.Entry<String, byte[]> file : workload.acknowledged.entrySet()) {
        Path back = readBack.resolve(file.getKey().substring("ans:/rolling/".length()));
        assertThat(back).as("acknowledged " + file.getKey() + " is there").exists();
        assertThat(Files.readAllBytes(back)).as("acknowledged " + file.getKey() + " reads back byte-identical")
            .isEqualTo(file.getValue());
      }
      assertHealthy(daemons, address, adminPort, "after the rolling restart");
      phase("every acknowledged write read back; every /health is 200");

      // 6. growing the cluster: the inventory gains a storage pair (a second inventory file), add-pairs.yml adds it
      Path grown = tmp.resolve("grown.yml");
      Files.writeString(grown, "all:\n  children:\n"
          + "    center_a:\n      hosts:\n        a3: {ansible_host: " + GROWN.get("a3")
          + ", dyad_member_kind: storage}\n"
          + "    center_b:\n      hosts:\n        b3: {ansible_host: " + GROWN.get("b3")
          + ", dyad_member_kind: storage}\n");
      inventories.addAll(List.of(ansibleDir.resolve("inventory/example/hosts.yml").toString(), grown.toString()));
      Run grow = playbook("add-pairs.yml");
      assertThat(grow.exitCode()).as("add-pairs.yml\n" + grow.tail()).isZero();
      assertThat(grow.recap()).as("the new hosts in the recap").containsKeys("a3", "b3");
      DyadProcess.Result status = dyad("status", "--json");
      assertThat(status.exitCode()).as(status.stderr()).isZero();
      assertThat(JSON.readTree(status.stdout()).path("pairs").path("a3-b3").path("joining").asBoolean(true))
          .as("pair a3-b3 added and joined placement: " + status.stdout()).isFalse();
      assertHealthy(List.copyOf(GROWN.keySet()), address, adminPort, "after add-pairs.yml");
      Path afterGrowth = tmp.resolve("round-trip.after-growth");
      ok("fs", "get", "-q", "ans:/round-trip.bin", afterGrowth.toString());
      assertThat(Files.readAllBytes(afterGrowth)).as("read back after the cluster grew").isEqualTo(content);
      if (FULL) {
        Run growAgain = playbook("add-pairs.yml");
        assertThat(growAgain.exitCode()).as("second add-pairs.yml\n" + growAgain.tail()).isZero();
        growAgain.recap().forEach((host, counts) -> assertThat(counts[1])
            .as("changed= of " + host + " in the second add-pairs.yml run\n" + growAgain.tail()).isZero());
      }
      phase("pair a3-b3 added and joined" + (FULL ? "; a second add-pairs.yml changed nothing" : ""));
      passed = true;
    } finally {
      // after a timeout (JUnit interrupts this thread) the daemons must still be stopped
      boolean interrupted = Thread.interrupted();
      try {
        tearDown(prefix.resolve("run"), passed);
      } finally {
        if (interrupted) {
          Thread.currentThread().interrupt();
        }
      }
    }
  }

  /** Stops every daemon with teardown.yml; kills any left over (by the pid files) so that no process is left. */
  private void tearDown(Path runDir, boolean check) throws Exception {
    List<Long> pids = new ArrayList<>();
    if (Files.isDirectory(runDir)) {
      try (Stream<Path> files = Files.list(runDir)) {
        for (Path pidFile : files.filter(f -> f.toString().endsWith(".pid")).toList()) {
          try {
            pids.add(Long.parseLong(Files.readString(pidFile).strip()));
          } catch (IOException | NumberFormatException e) {
            // a daemon removed its pid file while we read it: it stopped
          }
        }
      }
    }
    Run down = playbook("teardown.yml");
    List<Long> left = new ArrayList<>();
    for (long pid : pids) {
      Optional<ProcessHandle> handle = ProcessHandle.of(pid);
      if (handle.isPresent() && handle.get().isAlive()) {
        left.add(pid);
        handle.get().destroyForcibly();
      }
    }
    if (check) {
      assertThat(down.exitCode()).as("teardown.yml\n" + down.tail()).isZero();
      assertThat(left).as("daemons still running after teardown.yml").isEmpty();
      try (Stream<Path> files = Files.list(runDir)) {
        assertThat(files.filter(f -> f.toString().endsWith(".pid")).toList()).as("pid files left").isEmpty();
      }
    }
  }

  /** A writer and a reader, each a thread running the dyad CLI: fs put of new files, fs get of acknowledged ones. */
  private final class Traffic {
    final Map<String, byte[]> acknowledged = new ConcurrentHashMap<>();
    final ConcurrentLinkedQueue<String> putFailures = new ConcurrentLinkedQueue<>();
    final ConcurrentLinkedQueue<String> readFailures = new ConcurrentLinkedQueue<>();
    final AtomicInteger reads = new AtomicInteger();
    private final AtomicBoolean stop = new AtomicBoolean();
    private final ExecutorService threads = Executors.newFixedThreadPool(2);
    private final List<Future<?>> running = new ArrayList<>();
    private final Path dir;

    Traffic(Path dir) throws IOException {
      this.dir = Files.createDirectories(dir);
    }

    void start() {
      running.add(threads.submit(() -> {
        Random random = new Random(11);
        for (int n = 1; !stop.get(); n++) {
          byte[] data = new byte[1 + random.nextInt(512 * 1024)];
          random.nextBytes(data);
          Path file = dir.resolve("w" + n);
          Files.write(file, data);
          String path = "ans:/rolling/f" + n;
          DyadProcess.Result put = dyad("fs", "put", "-q", file.toString(), path);
          if (put.exitCode() == 0) {
            acknowledged.put(path, data);
          } else {
            putFailures.add(path + ": exit " + put.exitCode() + ": " + put.stderr().strip());
          }
          Files.delete(file);
        }
        return null;
      }));
      running.add(threads.submit(() -> {
        Random random = new Random(13);
        Awaitility.await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(200))
            .until(() -> stop.get() || !acknowledged.isEmpty());
        while (!stop.get()) {
          List<String> paths = new ArrayList<>(acknowledged.keySet());
          String path = paths.get(random.nextInt(paths.size()));
          Path out = dir.resolve("r" + reads.get());
          DyadProcess.Result get = dyad("fs", "get", "-q", path, out.toString());
          if (get.exitCode() != 0) {
            readFailures.add(path + ": exit " + get.exitCode() + ": " + get.stderr().strip());
          } else if (!Arrays.equals(Files.readAllBytes(out), acknowledged.get(path))) {
            readFailures.add(path + ": other bytes than were written");
          }
          Files.deleteIfExists(out);
          reads.incrementAndGet();
        }
        return null;
      }));
    }

    void awaitAcknowledged(int count, Duration timeout) throws Exception {
      Awaitility.await().atMost(timeout).pollInterval(Duration.ofMillis(200))
          .alias("writes acknowledged (failures: " + putFailures + ")").until(() -> {
            for (Future<?> f : running) {
              if (f.isDone()) {
                f.get(); // rethrows what ended it
              }
            }
            return acknowledged.size() >= count;
          });
    }

    void stop() throws Exception {
      stop.set(true);
      threads.shutdown();
      assertThat(threads.awaitTermination(2, TimeUnit.MINUTES)).as("workload threads stop").isTrue();
      for (Future<?> f : running) {
        f.get();
      }
    }
  }

  private Run playbook(String name, String... more) throws Exception {
    phase("ansible-playbook " + name + " " + String.join(" ", more));
    List<String> command = new ArrayList<>(List.of(onPath("ansible-playbook"), name, "-e", "@" + varsFile));
    inventories.forEach(i -> command.addAll(List.of("-i", i)));
    command.addAll(List.of(more));
    Run run = run(command, Duration.ofMinutes(5));
    phase("ansible-playbook " + name + " exited with " + run.exitCode());
    return run;
  }

  /** Runs a command in ansible/ with Ansible's configuration there; stdout and stderr together. */
  private Run run(List<String> command, Duration timeout) throws Exception {
    Path log = Files.createTempFile(tmp, "ansible-", ".log");
    ProcessBuilder pb = new ProcessBuilder(command).directory(ansibleDir.toFile()).redirectErrorStream(true)
        .redirectOutput(log.toFile());
    Map<String, String> env = pb.environment();
    env.put("ANSIBLE_CONFIG", ansibleDir.resolve("ansible.cfg").toString());
    env.put("ANSIBLE_NOCOLOR", "1");
    env.put("ANSIBLE_FORCE_COLOR", "0");
    env.put("ANSIBLE_LOCAL_TEMP", tmp.resolve("ansible-tmp").toString());
    env.put("ANSIBLE_REMOTE_TEMP", tmp.resolve("ansible-tmp").toString());
    env.put("ANSIBLE_RETRY_FILES_ENABLED", "false");
    Process p = pb.start();
    if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      p.descendants().forEach(ProcessHandle::destroyForcibly);
      p.destroyForcibly();
      throw new AssertionError(String.join(" ", command) + " did not finish within " + timeout + "\n"
          + Files.readString(log, StandardCharsets.UTF_8));
    }
    return new Run(p.exitValue(), Files.readString(log, StandardCharsets.UTF_8));
  }

  /** Where the time goes (the test must finish within 8 minutes). */
  private void phase(String what) {
    System.out.printf("AnsibleIT %4ds: %s%n", TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started), what);
  }

  /** Every host's {@code /health} answers 200. */
  private static void assertHealthy(List<String> hosts, Map<String, String> address, int adminPort, String when)
      throws Exception {
    for (String host : hosts) {
      String url = "http://" + address.get(host) + ":" + adminPort + "/health";
      HttpResponse<String> health = HTTP.send(HttpRequest.newBuilder(URI.create(url))
          .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(health.statusCode()).as(when + ", " + url + ": " + health.body()).isEqualTo(200);
    }
  }

  private DyadProcess.Result dyad(String... args) throws Exception {
    return DyadProcess.run(tmp.resolve("logs"), clientEnv, Duration.ofSeconds(120), args);
  }

  private void ok(String... args) throws Exception {
    DyadProcess.Result r = dyad(args);
    assertThat(r.exitCode()).as("dyad " + String.join(" ", args) + ": " + r.stderr()).isZero();
  }

  private static List<String> hosts(JsonNode inventory, String group) {
    List<String> hosts = new ArrayList<>();
    inventory.path(group).path("hosts").forEach(h -> hosts.add(h.asText()));
    return hosts;
  }

  private static String[] addresses(Map<String, String> address, List<String> hosts) {
    return hosts.stream().map(address::get).toArray(String[]::new);
  }

  /** The executable's path on PATH, or null. */
  private static String onPath(String name) {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
      Path candidate = Path.of(dir.isEmpty() ? "." : dir, name);
      if (Files.isExecutable(candidate)) {
        return candidate.toString();
      }
    }
    return null;
  }
}
