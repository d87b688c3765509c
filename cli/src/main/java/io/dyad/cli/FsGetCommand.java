package io.dyad.cli;

import io.dyad.client.FileEntry;
import io.dyad.client.FileSystemClient;
import io.dyad.client.UncheckedDyadException;
import io.dyad.common.DyadException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code dyad fs get}: a file into a local file or standard output, or (with -r) a directory tree. */
@Command(name = "get", mixinStandardHelpOptions = true,
    description = "Read VOLUME:/PATH into a local file (- for standard output), its checksum verified end to end; "
        + "with -r, a directory and everything under it into a local directory. A progress bar shows on a terminal.")
final class FsGetCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;
  @Mixin FsOptions fs;
  @Mixin TransferOptions transfer;

  @Parameters(index = "0", paramLabel = "VOLUME:/PATH") String source;

  @Parameters(index = "1", paramLabel = "LOCAL", description = "A file, - for standard output, or a directory (-r).")
  String target;

  @Override
  public Integer call() throws Exception {
    LogLevels.forCommand();
    FsOptions.Target t = FsOptions.Target.parse(source);
    try (FsOptions.Clients c = fs.connect()) {
      FileEntry entry = c.files().stat(t.volume(), t.path());
      if (entry.directory()) {
        if (!transfer.recursive) {
          throw DyadException.invalidArgument(t + " is a directory: give -r to get everything under it");
        }
        if (target.equals("-")) {
          throw DyadException.invalidArgument("a directory cannot go to standard output: name a local directory");
        }
        return getTree(c.files(), t, Path.of(target));
      }
      if (target.equals("-")) {
        c.files().get(t.volume(), t.path(), System.out);
        System.out.flush();
        return ExitCodes.OK;
      }
      Path local = Path.of(target);
      if (Files.isDirectory(local)) {
        local = local.resolve(entry.name());
      }
      try (Progress progress = transfer.progress(entry.name(), entry.length())) {
        getFile(c.files(), t, local, progress);
      }
    }
    return ExitCodes.OK;
  }

  private static void getFile(FileSystemClient files, FsOptions.Target t, Path local, Progress progress)
      throws DyadException, IOException {
    LocalFiles.replace(local, out -> files.get(t.volume(), t.path(), progress.counting(out)));
  }

  /** The local directories first, then the files, {@code --parallel} at a time. */
  private int getTree(FileSystemClient files, FsOptions.Target root, Path local) throws DyadException, IOException {
    List<FsOptions.Target> remoteFiles = new ArrayList<>();
    List<Path> localFiles = new ArrayList<>();
    long[] total = {0};
    try {
      walk(files, root, local, remoteFiles, localFiles, total);
    } catch (UncheckedDyadException e) {
      throw e.dyad();
    }
    try (Progress progress = transfer.progress(root.path() + "/", total[0])) {
      ParallelTransfers transfers = new ParallelTransfers();
      for (int i = 0; i < remoteFiles.size(); i++) {
        FsOptions.Target from = remoteFiles.get(i);
        Path to = localFiles.get(i);
        transfers.add(from + " -> " + to, () -> getFile(files, from, to, progress));
      }
      return transfers.runAll(transfer.parallel(), spec.commandLine().getErr());
    }
  }

  /** Makes the local directories of the tree under {@code dir} and lists its files, a page at a time. */
  private static void walk(FileSystemClient files, FsOptions.Target dir, Path local, List<FsOptions.Target> remoteFiles,
      List<Path> localFiles, long[] total) throws DyadException, IOException {
    Files.createDirectories(local);
    for (FileEntry e : files.entries(dir.volume(), dir.path())) {
      String child = (dir.path().equals("/") ? "" : dir.path()) + "/" + e.name();
      FsOptions.Target remote = new FsOptions.Target(dir.volume(), child);
      Path into = local.resolve(e.name());
      if (!into.normalize().startsWith(local.normalize())) {
        throw DyadException.invalidArgument("the entry " + remote + " would be written outside " + local);
      }
      if (e.directory()) {
        walk(files, remote, into, remoteFiles, localFiles, total);
      } else {
        remoteFiles.add(remote);
        localFiles.add(into);
        total[0] += e.length();
      }
    }
  }
}
