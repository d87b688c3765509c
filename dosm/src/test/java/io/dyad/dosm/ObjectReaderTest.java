package io.dyad.dosm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.google.common.net.HostAndPort;
import io.dyad.common.DyadException;
import io.dyad.common.ErrorCode;
import io.dyad.common.ObjectId;
import io.dyad.common.ObjectMeta;
import io.dyad.coordinator.model.FailoverState;
import io.dyad.coordinator.view.ClusterSnapshot;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The read path of docs/architecture.md ("Reading an object") against an in-memory pair: the first serving member
 * answers, the partner at once when it cannot, NotFound only when every member of the pair not failed over answered
 * that it lacks the object, deletes never undone by a stale copy, and a read that meets a newer epoch starts again
 * under it.
 */
class ObjectReaderTest {
  private static final long EPOCH = 5;

  /** A search of the storage centers that finds nothing (the pair's members are the only copies). */
  private static final class NoSearch implements ObjectSearch {
    int searches;

    @Override
    public List<Found> search(ObjectId id, String center, ClusterSnapshot s, Set<String> exclude,
        boolean firstOnly) {
      searches++;
      return List.of();
    }

    @Override
    public String mode() {
      return "none";
    }

    @Override
    public void close() {}
  }

  private final OnePair pair = new OnePair(EPOCH);
  private final NoSearch search = new NoSearch();
  private final ObjectReader reader = new ObjectReader(pair.nodes, search,
      new LocationCache(100, Duration.ofMinutes(10)), pair.router);
  private final ObjectId id = ObjectId.of("object-1");
  private final byte[] data = "some bytes".getBytes(StandardCharsets.UTF_8);

  ObjectReaderTest() throws DyadException {} // ObjectId.of checks the id

  /** The call Gateway.stat makes: a stat, or the member's own copy's when it does not serve. */
  private ObjectMeta stat() throws DyadException {
    return reader.onSomeCopy(id, (n, epoch, local) -> local ? n.localStat(id, epoch) : n.stat(id, epoch), true);
  }

  /** The call Gateway.get makes: the whole object, copied out of the connection's buffer. */
  private byte[] read() throws DyadException {
    return reader.onSomeCopy(id, (n, epoch, local) -> {
      ByteBuffer shared = local ? n.localReadShared(id, 0, data.length, epoch) : n.readShared(id, 0, data.length, epoch);
      byte[] out = new byte[shared.remaining()];
      shared.get(out);
      return out;
    });
  }

  private void storeOn(FakeNodes.Node... nodes) {
    for (FakeNodes.Node n : nodes) {
      n.objects.put(id, data.clone());
    }
  }

  @Test
  void theFirstServingMemberAnswers() throws Exception {
    storeOn(pair.a, pair.b);

    assertThat(read()).isEqualTo(data);

    assertThat(pair.a.count("readRange")).isEqualTo(1);
    assertThat(pair.b.calls).isEmpty();
  }

  @Test
  void anUnreachableMemberIsSkippedAtOnceForItsPartner() throws Exception {
    storeOn(pair.a, pair.b);
    pair.a.down = true;

    assertThat(read()).isEqualTo(data);

    assertThat(pair.b.count("readRange")).isEqualTo(1);
    assertThat(pair.nodes.forgotten).containsExactly(HostAndPort.fromString(OnePair.A_ADDRESS));
  }

  @Test
  void aMemberThatServesNoReadsNowIsSkippedForItsPartner() throws Exception {
    storeOn(pair.a, pair.b);
    pair.a.servesReads = false;

    assertThat(read()).isEqualTo(data);
    assertThat(pair.b.count("readRange")).isEqualTo(1);
  }

  @Test
  void aMemberThatLacksTheObjectIsFollowedByItsPartner() throws Exception {
    storeOn(pair.b);

    assertThat(read()).isEqualTo(data);
    assertThat(search.searches).as("no search while the pair has it").isZero();
  }

  @Test
  void anObjectThatNoCopyHoldsIsNotFound() {
    DyadException e = catchThrowableOfType(this::read, DyadException.class);

    assertThat(e.code()).isEqualTo(ErrorCode.NOT_FOUND);
    assertThat(search.searches).as("both centers are searched first").isEqualTo(2);
  }

  @Test
  void noCopyThatCanBeReachedIsUnavailableNotNotFound() {
    storeOn(pair.a, pair.b);
    pair.a.down = true;
    pair.b.down = true;

    DyadException e = catchThrowableOfType(this::read, DyadException.class);

    assertThat(e.code()).isEqualTo(ErrorCode.UNAVAILABLE);
  }

  @Test
  void aMissWhileThePartnerIsDownButNotFailedOverIsUnavailableNotNotFound() {
    // b1 may hold what the pair acknowledged with a hint for a1; until the coordinator fails it over, a1's miss is
    // not the pair's answer
    pair.view.set(OnePair.onlyLive(EPOCH, OnePair.A));

    DyadException e = catchThrowableOfType(this::read, DyadException.class);

    assertThat(e.code()).isEqualTo(ErrorCode.UNAVAILABLE);
    assertThat(e.getMessage()).contains(OnePair.B);
  }

  @Test
  void aMissWhileThePartnerCannotBeReachedIsUnavailableNotNotFound() {
    pair.b.down = true;

    DyadException e = catchThrowableOfType(this::read, DyadException.class);

    assertThat(e.code()).isEqualTo(ErrorCode.UNAVAILABLE);
  }

  @Test
  void aMissWhileThePartnerIsFailedOverIsNotFound() {
    pair.view.set(OnePair.failedOver(EPOCH, OnePair.B, FailoverState.FAILED_OVER));
    pair.b.down = true;

    DyadException e = catchThrowableOfType(this::read, DyadException.class);

    assertThat(e.code()).isEqualTo(ErrorCode.NOT_FOUND);
  }

  @Test
  void aPartnerThatServesNoReadsNowIsReadFromItsOwnCopyWhenTheOtherLacksTheObject() throws Exception {
    // b1 registered again and has not collected its hints yet; a1 took no write of the object (the pair acknowledged
    // it with a hint for a1 on b1)
    storeOn(pair.b);
    pair.b.servesReads = false;

    assertThat(read()).isEqualTo(data);
    assertThat(pair.b.count("localRead")).isEqualTo(1);
  }

  @Test
  void aTombstoneOnAPartnerThatServesNoReadsNowIsNotFound() {
    pair.b.tombstones.add(id);
    pair.b.servesReads = false;

    DyadException e = catchThrowableOfType(this::read, DyadException.class);

    assertThat(e.code()).isEqualTo(ErrorCode.NOT_FOUND);
    assertThat(e.getMessage()).contains("deleted");
  }

  @Test
  void aWrongRequestIsTheCallersAndNotRetriedOnThePartner() {
    storeOn(pair.a, pair.b);

    DyadException e = catchThrowableOfType(() -> reader.onSomeCopy(id,
        (n, epoch, local) -> n.readShared(id, 0, data.length + 1, epoch)), DyadException.class);

    assertThat(e.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT);
    assertThat(pair.b.calls).isEmpty();
  }

  @Test
  void aTombstoneOnTheFirstMemberIsNeverUndoneByThePartnersStaleCopy() {
    pair.a.tombstones.add(id);
    storeOn(pair.b);

    DyadException e = catchThrowableOfType(this::read, DyadException.class);

    assertThat(e.code()).isEqualTo(ErrorCode.NOT_FOUND);
    assertThat(pair.b.count("readRange")).isZero();
  }

  @Test
  void aStatAsksThePartnerForATombstoneTheAnsweringCopyMissed() {
    storeOn(pair.a);
    pair.b.tombstones.add(id);

    DyadException e = catchThrowableOfType(this::stat, DyadException.class);

    assertThat(e.code()).isEqualTo(ErrorCode.NOT_FOUND);
    assertThat(e.getMessage()).contains("deleted");
  }

  @Test
  void aPartnerCatchingUpIsReadWhenTheServingMemberLacksTheObject() throws Exception {
    // a1 is resyncing (takes writes, serves no reads): it may hold a write the pair took with a hint for b1
    pair.view.set(OnePair.failedOver(EPOCH, OnePair.A, FailoverState.RESYNCING));
    pair.a.servesReads = false;
    storeOn(pair.a);

    assertThat(read()).isEqualTo(data);
    assertThat(pair.a.count("localRead")).isEqualTo(1);
  }

  @Test
  void aReadThatMeetsANewerEpochStartsAgainUnderIt() throws Exception {
    storeOn(pair.a, pair.b);
    pair.nodes.epoch(6);
    pair.view.publishOnNextWait(OnePair.serving(6));

    assertThat(stat().length()).isEqualTo(data.length);

    assertThat(pair.a.calls).contains("stat@5", "stat@6");
    assertThat(pair.b.calls).as("StaleEpoch is the router's: the partner is not asked under the old view")
        .doesNotContain("stat@5");
  }

  @Test
  void aReadWhoseViewDoesNotCatchUpIsUnavailable() {
    storeOn(pair.a, pair.b);
    pair.nodes.epoch(6);

    DyadException e = catchThrowableOfType(this::read, DyadException.class);

    assertThat(e.code()).isEqualTo(ErrorCode.UNAVAILABLE);
    assertThat(pair.b.count("readRange")).isZero();
  }
}
