package io.dyad.common.access;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Data directories: made owner-only when created, and tightened (only group and others' bits) when found open. */
class PrivateFilesTest {
  @TempDir Path tmp;

  @Test
  void aMissingDirectoryIsCreatedOwnerOnly() throws Exception {
    Path dir = tmp.resolve("a").resolve("b");
    assertThat(PrivateFiles.ownerOnlyDirectory(dir, "the test directory")).isFalse();
    assertThat(Files.getPosixFilePermissions(dir)).isEqualTo(PrivateFiles.OWNER_ONLY_DIRECTORY);
    assertThat(PrivateFiles.ownerOnlyDirectory(dir, "the test directory")).as("nothing to do the second time")
        .isFalse();
  }

  @Test
  void anOpenDirectoryLosesGroupAndOthersBitsOnly() throws Exception {
    Path dir = Files.createDirectory(tmp.resolve("old"));
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxrwxr-x"));
    Path file = Files.writeString(dir.resolve("object"), "bytes");
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
    assertThat(PrivateFiles.ownerOnlyDirectory(dir, "the test directory")).isTrue();
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir))).isEqualTo("rwx------");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
        .as("files inside are left alone: nobody else can enter the directory").isEqualTo("rw-r--r--");

    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("r-x---r--"));
    assertThat(PrivateFiles.ownerOnlyDirectory(dir, "the test directory")).isTrue();
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir))).isEqualTo("r-x------");
  }
}
