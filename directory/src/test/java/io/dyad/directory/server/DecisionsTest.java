package io.dyad.directory.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.dyad.thrift.BeginUpload;
import io.dyad.thrift.BindFile;
import io.dyad.thrift.ChangeOp;
import io.dyad.thrift.CreateVolume;
import io.dyad.thrift.DeleteVolume;
import io.dyad.thrift.ForgetGarbage;
import io.dyad.thrift.Mkdir;
import io.dyad.thrift.Remove;
import io.dyad.thrift.Rename;
import io.dyad.thrift.VolumeRecord;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class DecisionsTest {
  private static final long NOW = 1_700_000_000_000L;

  @Test
  void thePrimaryFixesInodesAndTimesOfEveryKindOfChange() throws Exception {
    Optional<VolumeRecord> volume = Optional.of(new VolumeRecord(7, 42, 1000, 1));
    List<ChangeOp> requests = List.of(
        ChangeOp.createVolume(new CreateVolume(0, 1000)),
        ChangeOp.mkdir(new Mkdir("/a", true, 0, 0)),
        ChangeOp.beginUpload(new BeginUpload("u", "o", "/f", 5)),
        ChangeOp.bindFile(new BindFile("/f", "o", 1, 2, 0, 0)),
        ChangeOp.rename(new Rename("/a", "/b", 0)),
        ChangeOp.remove(new Remove("/b", true, 0)),
        ChangeOp.forgetGarbage(new ForgetGarbage(List.of(), List.of())),
        ChangeOp.deleteVolume(new DeleteVolume(0)));
    Set<ChangeOp._Fields> covered = EnumSet.noneOf(ChangeOp._Fields.class);
    for (ChangeOp request : requests) {
      ChangeOp decided = Decisions.decide(request, volume, NOW);
      covered.add(decided.getSetField());
      assertThat(decided.getSetField()).isEqualTo(request.getSetField());
    }
    assertThat(covered).as("every kind of change").isEqualTo(EnumSet.allOf(ChangeOp._Fields.class));
    assertThat(Decisions.decide(requests.get(1), volume, NOW).getMkdir().getFirstInode()).isEqualTo(42);
    assertThat(Decisions.decide(requests.get(3), volume, NOW).getBindFile().getInode()).isEqualTo(42);
    assertThat(Decisions.decide(requests.get(4), volume, NOW).getRename().getTime()).isEqualTo(NOW);
    assertThat(Decisions.decide(requests.get(7), volume, NOW).getDeleteVolume().getTime()).isEqualTo(NOW);
    assertThat(requests.get(1).getMkdir().getTime()).as("the request is not changed").isZero();
  }
}
