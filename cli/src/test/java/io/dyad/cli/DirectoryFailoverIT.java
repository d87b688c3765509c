package io.dyad.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.dyad.common.DyadException;
import io.dyad.common.ErrorCode;
import io.dyad.thrift.ChangeOp;
import io.dyad.thrift.CreateVolume;
import io.dyad.thrift.EntryType;
import io.dyad.thrift.Mkdir;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Directory servers as real processes under a writer: SIGKILL of the primary, a restart within a second (before any
 * failover is declared), and SIGSTOP past the session timeout. After each, every acknowledged change is on both
 * directories and the two are identical (digest).
 */
class DirectoryFailoverIT {
  private static final String VOL = "projects";

  @TempDir Path dir;
  /** A cluster for each test: each begins with da1 primary, which a failover before it has made db1. */
  private DirectoryCluster cluster;

  @BeforeEach
  void start() throws Exception {
    cluster = new DirectoryCluster(dir);
    cluster.submit(VOL, ChangeOp.createVolume(new CreateVolume(0, 60_000)));
  }

  @AfterEach
  void stop() throws Exception {
    cluster.close();
  }

  private void assertBothHoldEveryAcknowledgedChangeAndAreIdentical(Set<String> acknowledged) throws Exception {
    cluster.awaitServing(DirectoryCluster.A, DirectoryCluster.B);
    long epoch = cluster.view.current().epoch();
    for (String member : List.of(DirectoryCluster.A, DirectoryCluster.B)) {
      for (String path : acknowledged) {
        assertThat(cluster.client(member).stat(VOL, path, epoch).getType()).as("%s on %s", path, member)
            .isEqualTo(EntryType.DIRECTORY);
      }
    }
    assertThat(cluster.client(DirectoryCluster.B).digest(VOL)).as("both directories hold the same volume")
        .isEqualTo(cluster.client(DirectoryCluster.A).digest(VOL));
  }

  @Test
  void statusShowsWhichDirectoryIsPrimary() throws Exception {
    DyadProcess.Result r = DyadProcess.run(cluster.logs(), java.util.Map.of(), Duration.ofSeconds(60), "status",
        "--zk", cluster.zkConnect());
    assertThat(r.exitCode()).as(r.stderr()).isZero();
    assertThat(r.stdout()).containsPattern("dp1\\s+directory\\s+da1 .*serving \\(primary\\)")
        .containsPattern("db1 .*serving \\(duplicate\\)");
  }

  @Test
  void killingThePrimaryUnderAWriterLosesNoAcknowledgedChange() throws Exception {
    try (NamespaceWriter writer = new NamespaceWriter(cluster, VOL)) {
      writer.awaitMore(100);
      cluster.kill(DirectoryCluster.A);
      writer.awaitMore(100);
      assertThat(cluster.primary()).as("the duplicate took over").isEqualTo(DirectoryCluster.B);
      // the claim is a bound: the writer stalls for detection (the 2 s session and the grace), not for its 10 s
      // call timeout; the margin is for a busy machine
      assertThat(writer.longestGapMillis.get()).as("write gap (ms): detection, well under the 10 s call timeout")
          .isLessThan(DirectoryCluster.SESSION.plus(DirectoryCluster.GRACE).plusSeconds(3).toMillis());
      cluster.start(DirectoryCluster.A);
      cluster.awaitServing(DirectoryCluster.A);
      writer.awaitMore(100);
      writer.close();
      System.out.printf("[measure] kill -9 of the primary directory: %d changes acknowledged, %d refused and "
          + "retried, longest write gap %d ms%n", writer.acknowledged.size(), writer.refused.get(),
          writer.longestGapMillis.get());
      assertBothHoldEveryAcknowledgedChangeAndAreIdentical(writer.acknowledged);
    }
  }

  @Test
  void aPrimaryRestartedWithinASecondCatchesUpBeforeItServesAgain() throws Exception {
    try (NamespaceWriter writer = new NamespaceWriter(cluster, VOL)) {
      writer.awaitMore(100);
      cluster.kill(DirectoryCluster.A);
      cluster.start(DirectoryCluster.A); // before its session expires: no failover is declared
      writer.awaitMore(100);
      cluster.awaitServing(DirectoryCluster.A);
      writer.awaitMore(100);
      writer.close();
      assertBothHoldEveryAcknowledgedChangeAndAreIdentical(writer.acknowledged);
    }
  }

  @Test
  void aPausedPrimaryTakesNoChangeUnderItsOldEpochOnceItResumes() throws Exception {
    try (NamespaceWriter writer = new NamespaceWriter(cluster, VOL)) {
      writer.awaitMore(50);
      long oldEpoch = cluster.view.current().epoch();
      cluster.client(DirectoryCluster.A).status(); // a connection opened before the pause
      cluster.process(DirectoryCluster.A).signal("STOP");
      await().atMost(Duration.ofSeconds(30)).until(() -> DirectoryCluster.B.equals(cluster.primary()));
      writer.awaitMore(100);
      cluster.process(DirectoryCluster.A).signal("CONT");
      assertThatThrownBy(() -> cluster.client(DirectoryCluster.A)
          .submit(VOL, ChangeOp.mkdir(new Mkdir("/stale", false, 0, 0)), oldEpoch, ""))
          .isInstanceOfSatisfying(DyadException.class, e -> assertThat(e.code())
              .isIn(ErrorCode.STALE_EPOCH, ErrorCode.UNAVAILABLE));
      cluster.awaitServing(DirectoryCluster.A);
      writer.awaitMore(50);
      writer.close();
      assertThatThrownBy(() -> cluster.client(DirectoryCluster.B).stat(VOL, "/stale", cluster.view.current().epoch()))
          .isInstanceOfSatisfying(DyadException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.NOT_FOUND));
      assertBothHoldEveryAcknowledgedChangeAndAreIdentical(writer.acknowledged);
    }
  }
}
