package io.dyad.coordinator.it;

import io.dyad.coordinator.membership.Registration;
import io.dyad.coordinator.zk.ZkClients;
import io.dyad.coordinator.zk.ZkConfig;
import java.time.Clock;
import java.time.Duration;
import org.apache.curator.framework.CuratorFramework;

/**
 * A member as a separate process, for tests that kill it with SIGKILL: registers, prints "registered", and
 * waits forever. Arguments: connect string, member id, address, session timeout in ms.
 */
public final class MemberProcessMain {
  private MemberProcessMain() {}

  public static void main(String[] args) throws Exception {
    ZkConfig config = ZkConfig.of(args[0]).withSessionTimeout(Duration.ofMillis(Long.parseLong(args[3])));
    CuratorFramework client = ZkClients.connect(config);
    Registration r = Registration.onZooKeeper(client, args[1], args[2], () -> "data-" + args[1], Clock.systemUTC(), config.sessionTimeout());
    r.startAsync().awaitRunning();
    System.out.println("registered " + r.current().orElseThrow().incarnation());
    System.out.flush();
    Thread.currentThread().join();
  }
}
