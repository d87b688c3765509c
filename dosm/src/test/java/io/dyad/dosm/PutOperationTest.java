package io.dyad.dosm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.dyad.common.DyadException;
import io.dyad.common.ErrorCode;
import io.dyad.common.ObjectId;
import io.dyad.common.ObjectMeta;
import io.dyad.common.StaleEpochException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;

/**
 * The write path of docs/architecture.md ("Writing an object") against an in-memory pair: degraded writes with
 * hints, members failing mid-stream and at commit, repeated puts of one id, and epochs that change under a put.
 */
class PutOperationTest {
  private static final long EPOCH = 5;

  private final OnePair pair = new OnePair(EPOCH);
  private final PendingHints pendingHints = new PendingHints(com.google.common.base.Ticker.systemTicker());
  private final PutContext ctx = new PutContext(pair.nodes, Runnable::run, pair.router, pendingHints,
      com.google.common.base.Ticker.systemTicker());
  private final ObjectId id = ObjectId.of("object-1");
  private final byte[] data = "twelve bytes".getBytes(StandardCharsets.UTF_8);

  PutOperationTest() throws DyadException {} // ObjectId.of checks the id

  private static int crc(byte[] bytes) {
    CRC32C c = new CRC32C();
    c.update(bytes);
    return (int) c.getValue();
  }

  private PutOperation begin(byte[] bytes) throws DyadException {
    return PutOperation.begin("put", id, bytes.length, pair.view.current(), ctx);
  }

  /** begin, the bytes in two chunks, commit. */
  private ObjectMeta put(byte[] bytes) throws DyadException {
    PutOperation op = begin(bytes);
    int half = bytes.length / 2;
    op.chunk(0, ByteBuffer.wrap(bytes, 0, half));
    op.chunk(half, ByteBuffer.wrap(bytes, half, bytes.length - half));
    return op.commit(bytes.length, crc(bytes));
  }

  @Test
  void bothMembersServingStoreTheObjectWithoutHints() throws Exception {
    ObjectMeta m = put(data);

    assertThat(m.length()).isEqualTo(data.length);
    assertThat(pair.nodes.holders(id)).containsExactlyInAnyOrder(OnePair.A, OnePair.B);
    assertThat(pair.a.hints).isEmpty();
    assertThat(pair.b.hints).isEmpty();
  }

  @Test
  void aMemberDownInTheViewIsWrittenDegradedWithTheHintInTheCommit() throws Exception {
    pair.view.set(OnePair.onlyLive(EPOCH, OnePair.A));

    put(data);

    assertThat(pair.nodes.holders(id)).containsExactly(OnePair.A);
    assertThat(pair.a.hints).containsExactly("b1:" + id);
    assertThat(pair.b.calls).as("a member the view knows is down is not asked").isEmpty();
  }

  @Test
  void aMemberThatCannotBeReachedAtBeginIsWrittenDegradedWithAHint() throws Exception {
    pair.b.down = true;

    put(data);

    assertThat(pair.nodes.holders(id)).containsExactly(OnePair.A);
    assertThat(pair.a.hints).containsExactly("b1:" + id);
    assertThat(pair.a.count("addHint")).as("the hint travels with the commit").isZero();
  }

  @Test
  void aFullMemberIsWrittenDegradedWithAHint() throws Exception {
    pair.b.failNext("begin", ErrorCode.STORAGE_FULL);

    put(data);

    assertThat(pair.nodes.holders(id)).containsExactly(OnePair.A);
    assertThat(pair.a.hints).containsExactly("b1:" + id);
  }

  @Test
  void aMemberThatFailsMidStreamIsDroppedAndHinted() throws Exception {
    pair.b.failNext("append", ErrorCode.UNAVAILABLE);

    put(data);

    assertThat(pair.nodes.holders(id)).containsExactly(OnePair.A);
    assertThat(pair.a.objects.get(id)).isEqualTo(data);
    assertThat(pair.a.hints).containsExactly("b1:" + id);
    assertThat(pair.b.count("append")).as("a dropped member gets no more chunks").isEqualTo(1);
  }

  @Test
  void bothMembersUnreachableIsUnavailableAndNothingBegins() {
    pair.a.down = true;
    pair.b.down = true;

    DyadException e = catchThrowableOfType(() -> begin(data), DyadException.class);

    assertThat(e).isInstanceOf(PutOperation.NoWriterException.class);
    assertThat(e.code()).isEqualTo(ErrorCode.UNAVAILABLE);
  }

  @Test
  void aMemberFailingAtCommitGetsAHintOnTheMemberThatCommitted() throws Exception {
    pair.b.failNext("commit", ErrorCode.UNAVAILABLE);

    put(data);

    assertThat(pair.nodes.holders(id)).containsExactly(OnePair.A);
    assertThat(pair.b.count("localStat")).as("the failed member is asked whether it has the object anyway")
        .isEqualTo(1);
    assertThat(pair.a.count("addHint")).isEqualTo(1);
    assertThat(pair.a.hints).containsExactly("b1:" + id);
    assertThat(pendingHints.size()).isZero();
  }

  @Test
  void aCommitWhoseAnswerWasLostCountsAsCommittedWithoutAHint() throws Exception {
    pair.b.loseNextAnswer("commit", ErrorCode.UNAVAILABLE);

    put(data);

    assertThat(pair.nodes.holders(id)).containsExactlyInAnyOrder(OnePair.A, OnePair.B);
    assertThat(pair.a.hints).isEmpty();
  }

  @Test
  void aMemberFailingAtCommitWhenNoHintCanBeRecordedLeavesThePutUnacknowledged() {
    pair.b.failNext("commit", ErrorCode.UNAVAILABLE);
    for (int i = 0; i < 3; i++) {
      pair.a.failNext("addHint", ErrorCode.UNAVAILABLE);
    }

    DyadException e = catchThrowableOfType(() -> put(data), DyadException.class);

    assertThat(e.code()).isEqualTo(ErrorCode.UNAVAILABLE);
    assertThat(pair.nodes.holders(id)).containsExactly(OnePair.A);
    assertThat(pendingHints.size()).as("the DOSM keeps trying to record the hint").isEqualTo(1);
  }

  @Test
  void aRepeatedPutOfIdenticalBytesIsAcknowledgedWithoutStoringAgain() throws Exception {
    ObjectMeta first = put(data);

    ObjectMeta again = put(data);

    assertThat(again.crc32c()).isEqualTo(first.crc32c());
    assertThat(again.length()).isEqualTo(first.length());
    assertThat(pair.a.count("commit")).isEqualTo(1);
    assertThat(pair.b.count("commit")).isEqualTo(1);
    assertThat(pair.a.sessions).isEmpty();
    assertThat(pair.b.sessions).isEmpty();
  }

  @Test
  void aRepeatedPutOfOtherBytesOfTheSameLengthIsRefused() throws Exception {
    put(data);
    byte[] other = data.clone();
    other[0] ^= 1;

    DyadException e = catchThrowableOfType(() -> put(other), DyadException.class);

    assertThat(e.code()).isEqualTo(ErrorCode.ALREADY_EXISTS);
    assertThat(pair.a.objects.get(id)).isEqualTo(data);
    assertThat(pair.b.objects.get(id)).isEqualTo(data);
  }

  @Test
  void aRepeatedPutCompletesTheCopyOnTheMemberThatFailedTheFirstOne() throws Exception {
    pair.b.failNext("commit", ErrorCode.UNAVAILABLE);
    for (int i = 0; i < 3; i++) {
      pair.a.failNext("addHint", ErrorCode.UNAVAILABLE);
    }
    catchThrowableOfType(() -> put(data), DyadException.class); // not acknowledged: on a1 only

    put(data);

    assertThat(pair.nodes.holders(id)).containsExactlyInAnyOrder(OnePair.A, OnePair.B);
    assertThat(pair.b.objects.get(id)).isEqualTo(data);
  }

  @Test
  void aRepeatedPutThatFindsItsBytesOnOneMemberWhileTheOtherIsDownRecordsTheHint() throws Exception {
    pair.b.failNext("commit", ErrorCode.UNAVAILABLE);
    for (int i = 0; i < 3; i++) {
      pair.a.failNext("addHint", ErrorCode.UNAVAILABLE);
    }
    catchThrowableOfType(() -> put(data), DyadException.class); // on a1 only, without a hint
    assertThat(pair.a.hints).isEmpty();
    pair.view.set(OnePair.onlyLive(EPOCH, OnePair.A));

    put(data);

    assertThat(pair.a.hints).as("no commit carried the hint, so it is added").containsExactly("b1:" + id);
    assertThat(pair.a.count("commit")).isEqualTo(1);
  }

  @Test
  void aCommitThatMeetsANewerEpochIsSentAgainUnderIt() throws Exception {
    PutOperation op = begin(data);
    op.chunk(0, ByteBuffer.wrap(data));
    pair.nodes.epoch(6);
    pair.view.publishOnNextWait(OnePair.serving(6));

    op.commit(data.length, crc(data));

    assertThat(pair.a.calls).contains("commit@5", "commit@6");
    assertThat(pair.nodes.holders(id)).containsExactlyInAnyOrder(OnePair.A, OnePair.B);
  }

  @Test
  void aCommitWhoseViewNeverCatchesUpIsNotAcknowledged() throws Exception {
    PutOperation op = begin(data);
    op.chunk(0, ByteBuffer.wrap(data));
    pair.nodes.epoch(6);

    DyadException e = catchThrowableOfType(() -> op.commit(data.length, crc(data)), DyadException.class);

    assertThat(e.code()).isEqualTo(ErrorCode.UNAVAILABLE);
    assertThat(pair.nodes.holders(id)).isEmpty();
    assertThat(pair.a.count("commit")).as("sent once; the view never reached epoch 6").isEqualTo(1);
    assertThat(op.isEnded()).isTrue();
  }

  @Test
  void aBeginThatMeetsANewerEpochIsRefusedAndTheOtherMembersSessionAborted() {
    pair.b.epoch = 6;

    StaleEpochException e = catchThrowableOfType(() -> begin(data), StaleEpochException.class);

    assertThat(e.currentEpoch()).isEqualTo(6);
    assertThat(pair.a.abortedSessions).as("the session a1 opened is not left to expire").hasSize(1);
    assertThat(pair.a.sessions).isEmpty();
  }

  @Test
  void aWholePutWritesEachMemberInOneCallAndHintsOneThatFails() throws Exception {
    pair.b.failNext("write", ErrorCode.UNAVAILABLE);

    PutOperation.whole("put", id, ByteBuffer.wrap(data), pair.view.current(), ctx).commit(data.length, crc(data));

    assertThat(pair.nodes.holders(id)).containsExactly(OnePair.A);
    assertThat(pair.a.hints).containsExactly("b1:" + id);
    assertThat(pair.a.count("begin")).isZero();
    assertThat(Arrays.equals(pair.a.objects.get(id), data)).isTrue();
  }
}
