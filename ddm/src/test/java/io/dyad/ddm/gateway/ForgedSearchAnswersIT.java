package io.dyad.ddm.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.dyad.common.MulticastGroup;
import io.dyad.common.access.ClusterSecret;
import io.dyad.coordinator.model.ClusterInfo;
import io.dyad.coordinator.model.MemberInfo;
import io.dyad.coordinator.model.MemberKind;
import io.dyad.coordinator.view.ClusterSnapshot;
import io.dyad.search.GroupResponder;
import io.dyad.search.MulticastSettings;
import io.dyad.search.SearchAuth;
import io.dyad.search.SearchMessages;
import java.net.DatagramSocket;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Multicast volume search on real loopback sockets, in a cluster with a secret: a directory server's signed answer
 * is heard; a stranger on the segment answering unsigned, or under another secret, is not — it cannot redirect
 * the DDM to an address of its choosing.
 */
class ForgedSearchAnswersIT {
  @TempDir Path dir;

  /** Answers every "who holds V?" as {@code member} at {@code address}. */
  private static GroupResponder.Answerer claiming(String member, String address) {
    return (JsonNode q) -> SearchMessages.volumeQuestion(q).map(v -> new GroupResponder.Reply(v.replyTo(),
        SearchMessages.encode(new SearchMessages.VolumeAnswer(v.requestId(), member, address, 1))));
  }

  @Test
  void onlyTheClustersSignedAnswersAreHeard() throws Exception {
    ClusterSecret secret = ClusterSecret.create(dir.resolve("secret"));
    ClusterSecret stranger = ClusterSecret.create(dir.resolve("stranger"));
    int port;
    try (DatagramSocket free = new DatagramSocket(0)) {
      port = free.getLocalPort();
    }
    MulticastGroup group = MulticastGroup.parse("239.255.71.1:" + port);
    MulticastSettings lo = MulticastSettings.loopback();
    ClusterSnapshot s = ClusterSnapshot.builder().version(1)
        .members(Map.of("da1", new MemberInfo("da1", MemberKind.DIRECTORY, "A", "127.0.1.21:9400", null),
            "da2", new MemberInfo("da2", MemberKind.DIRECTORY, "A", "127.0.1.22:9400", null),
            "da3", new MemberInfo("da3", MemberKind.DIRECTORY, "A", "127.0.1.23:9400", null)))
        .cluster(Optional.of(new ClusterInfo("t", 1, Map.of("A", new ClusterInfo.CenterInfo("127.0.1.0/24",
            group.toString())))))
        .build();
    List<GroupResponder> responders = List.of(
        new GroupResponder("honest", group, lo, new SearchAuth(Optional.of(secret), Clock.systemUTC()),
            claiming("da1", "127.0.1.21:9400")),
        new GroupResponder("unsigned", group, lo, SearchAuth.none(), claiming("da2", "127.0.0.66:6666")),
        new GroupResponder("other-secret", group, lo, new SearchAuth(Optional.of(stranger), Clock.systemUTC()),
            claiming("da3", "127.0.0.77:7777")));
    responders.forEach(r -> r.startAsync().awaitRunning());
    try (MulticastVolumeSearch signed = new MulticastVolumeSearch(lo, "127.0.0.1",
        new SearchAuth(Optional.of(secret), Clock.systemUTC()), Duration.ofMillis(500));
         MulticastVolumeSearch open = new MulticastVolumeSearch(lo, "127.0.0.1", SearchAuth.none(),
             Duration.ofMillis(500))) {
      assertThat(signed.search("docs", "A", s)).extracting(VolumeSearch.Holder::address)
          .as("the unsigned and other-secret answers are dropped").containsExactly("127.0.1.21:9400");
      // the rogues did hear the question: an asker that checks nothing hears the unsigned one; and the members
      // check questions too, so an unsigned question gets no answer from them
      assertThat(open.search("docs", "A", s)).extracting(VolumeSearch.Holder::member)
          .as("an unsigned question is answered only by the unsigned rogue").containsExactly("da2");
    } finally {
      responders.forEach(r -> r.stopAsync().awaitTerminated());
    }
  }
}
