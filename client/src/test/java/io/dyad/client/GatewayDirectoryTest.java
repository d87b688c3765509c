package io.dyad.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.google.common.net.HostAndPort;
import com.google.common.testing.FakeTicker;
import io.dyad.common.DyadException;
import io.dyad.common.ErrorCode;
import io.dyad.thrift.GatewayList;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * How the Java client learns and orders its gateways: the list any gateway gives, a seed that does not answer
 * skipped, a gateway that just failed tried last for a few seconds, the list asked for again only when old — and not
 * on every call while no gateway answers.
 */
class GatewayDirectoryTest {
  private static final HostAndPort A = HostAndPort.fromParts("127.0.0.1", 9200);
  private static final HostAndPort B = HostAndPort.fromParts("127.0.0.1", 9201);
  private static final HostAndPort C = HostAndPort.fromParts("127.0.0.1", 9202);
  private static final Duration REFRESH = Duration.ofSeconds(30);

  private final FakeTicker ticker = new FakeTicker();
  /** What each gateway answers to listGateways; a gateway not in the map does not answer. */
  private final Map<HostAndPort, List<String>> answers = new HashMap<>();
  private final List<HostAndPort> asked = new ArrayList<>();

  private GatewayDirectory directory(HostAndPort... seeds) {
    return new GatewayDirectory(List.of(seeds), g -> {
      asked.add(g);
      List<String> live = answers.get(g);
      if (live == null) {
        throw new DyadException(ErrorCode.UNAVAILABLE, g + " does not answer");
      }
      return new GatewayList(live, List.of("127.0.0.1:9400"), 1 << 20, "test", "test");
    }, REFRESH, ticker);
  }

  @Test
  void theGatewaysAreTheListAnyGatewayGives() throws Exception {
    answers.put(A, List.of(A.toString(), B.toString(), C.toString()));
    GatewayDirectory d = directory(A);

    d.refresh();

    assertThat(d.gateways()).containsExactly(A, B, C);
    assertThat(d.directoryGateways()).containsExactly(HostAndPort.fromParts("127.0.0.1", 9400));
    assertThat(d.maxChunkBytes()).isEqualTo(1 << 20);
  }

  @Test
  void aSeedThatDoesNotAnswerIsSkipped() throws Exception {
    answers.put(B, List.of(B.toString(), C.toString()));
    GatewayDirectory d = directory(A, B);

    d.refresh();

    assertThat(d.gateways()).containsExactly(B, C);
    assertThat(asked).containsExactly(A, B);
  }

  @Test
  void aGatewayThatAnswersIsKeptEvenBeforeItListsItself() throws Exception {
    answers.put(A, List.of(B.toString())); // A has just started and is not registered yet
    GatewayDirectory d = directory(A);

    d.refresh();

    assertThat(d.gateways()).containsExactly(B, A);
  }

  @Test
  void aListWithABadAddressIsNotTaken() throws Exception {
    answers.put(A, List.of("127.0.0.1:no-port"));
    answers.put(B, List.of(B.toString()));
    GatewayDirectory d = directory(A, B);

    d.refresh();

    assertThat(d.gateways()).containsExactly(B);
  }

  @Test
  void whenNoGatewayAnswersTheRefreshIsUnavailableAndTheSeedsStay() {
    GatewayDirectory d = directory(A, B);

    DyadException e = catchThrowableOfType(d::refresh, DyadException.class);

    assertThat(e.code()).isEqualTo(ErrorCode.UNAVAILABLE);
    assertThat(e.getMessage()).contains("no gateway of");
    assertThat(d.gateways()).containsExactly(A, B);
  }

  @Test
  void aGatewayThatFailedIsTriedLastUntilItsSuspicionEnds() throws Exception {
    answers.put(A, List.of(A.toString(), B.toString(), C.toString()));
    GatewayDirectory d = directory(A);
    d.refresh();

    d.suspect(A);

    assertThat(List.of(d.pick(0), d.pick(1), d.pick(2))).containsExactly(B, C, B);
    ticker.advance(Duration.ofSeconds(3).plusMillis(1));
    assertThat(List.of(d.pick(0), d.pick(1), d.pick(2))).containsExactly(A, B, C);
  }

  @Test
  void whenEveryGatewayFailedTheyAreAllTriedAnyway() throws Exception {
    answers.put(A, List.of(A.toString(), B.toString()));
    GatewayDirectory d = directory(A);
    d.refresh();

    d.suspect(A);
    d.suspect(B);

    assertThat(List.of(d.pick(0), d.pick(1))).containsExactly(A, B);
  }

  @Test
  void theListIsAskedForAgainOnlyOnceItIsOld() throws Exception {
    answers.put(A, List.of(A.toString(), B.toString()));
    GatewayDirectory d = directory(A);
    d.refresh();
    asked.clear();

    d.gateways();
    ticker.advance(REFRESH);
    d.gateways();
    assertThat(asked).as("not yet old").isEmpty();

    answers.put(A, List.of(A.toString(), B.toString(), C.toString()));
    ticker.advance(Duration.ofMillis(1));
    assertThat(d.gateways()).containsExactly(A, B, C);
    assertThat(asked).containsExactly(A);
  }

  @Test
  void whileNoGatewayAnswersTheOldListStaysAndIsNotAskedForOnEveryCall() throws Exception {
    answers.put(A, List.of(A.toString(), B.toString()));
    GatewayDirectory d = directory(A);
    d.refresh();
    answers.clear();
    ticker.advance(REFRESH.plusMillis(1));
    asked.clear();

    assertThat(d.gateways()).containsExactly(A, B);
    int afterOneRefresh = asked.size();
    assertThat(d.gateways()).containsExactly(A, B);
    assertThat(d.pick(0)).isNotNull();

    assertThat(afterOneRefresh).as("one failed refresh asks each gateway once").isEqualTo(2);
    assertThat(asked).as("and the calls right after it ask nobody").hasSize(afterOneRefresh);
  }
}
