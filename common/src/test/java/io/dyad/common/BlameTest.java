package io.dyad.common;

import static org.assertj.core.api.Assertions.assertThat;

import io.dyad.common.Blame.Access;
import org.junit.jupiter.api.Test;

/** The one rule for what a member's error means, for reads and for writes. */
class BlameTest {
  @Test
  void aMemberThatCannotServeIsRoutedAroundForReadsAndWrites() {
    for (Access a : Access.values()) {
      assertThat(Blame.of(ErrorCode.UNAVAILABLE, a)).isEqualTo(Blame.MEMBER);
      assertThat(Blame.of(ErrorCode.INTERNAL, a)).isEqualTo(Blame.MEMBER);
      assertThat(Blame.of(ErrorCode.CHECKSUM_MISMATCH, a)).isEqualTo(Blame.MEMBER);
      assertThat(Blame.of(ErrorCode.STALE_EPOCH, a)).isEqualTo(Blame.ROUTER);
    }
  }

  @Test
  void aFullMemberOrALostWriteSessionIsTheMembersFaultOnlyForAWrite() {
    assertThat(Blame.of(ErrorCode.STORAGE_FULL, Access.WRITE)).isEqualTo(Blame.MEMBER);
    assertThat(Blame.of(ErrorCode.NOT_FOUND, Access.WRITE)).isEqualTo(Blame.MEMBER);
    assertThat(Blame.of(ErrorCode.NOT_FOUND, Access.READ)).as("an answer, not a fault").isEqualTo(Blame.REQUEST);
  }

  @Test
  void aWrongRequestIsTheCallersEverywhere() {
    for (Access a : Access.values()) {
      assertThat(Blame.of(ErrorCode.INVALID_ARGUMENT, a)).isEqualTo(Blame.REQUEST);
      assertThat(Blame.of(ErrorCode.ALREADY_EXISTS, a)).isEqualTo(Blame.REQUEST);
      assertThat(Blame.of(ErrorCode.ACCESS_DENIED, a)).isEqualTo(Blame.REQUEST);
    }
  }
}
