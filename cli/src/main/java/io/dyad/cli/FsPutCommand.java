package io.dyad.cli;

import io.dyad.client.FileEntry;
import io.dyad.client.FileSystemClient;
import io.dyad.common.DyadException;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code dyad fs put}: a local file, standard input, or (with -r) a local directory tree into the namespace. */
@Command(name = "put", mixinStandardHelpOptions = true,
    description = "Write a local file (- for standard input) to VOLUME:/PATH, as a new file or a new version of it; "
        + "with -r, every file under a local directory to the same places under VOLUME:/PATH. A progress bar shows on "
        + "a terminal.")
final class FsPutCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;
  @Mixin FsOptions fs;
  @Mixin TransferOptions transfer;

  @Parameters(index = "0", paramLabel = "LOCAL", description = "A file, - for standard input, or a directory (-r).")
  String source;

  @Parameters(index = "1", paramLabel = "VOLUME:/PATH") String target;

  @Option(names = "--json", description = "Print the entries written, as JSON.") boolean json;

  @Override
  public Integer call() throws Exception {
    LogLevels.forCommand();
    FsOptions.Target t = FsOptions.Target.parse(target);
    PrintWriter out = spec.commandLine().getOut();
    if (source.equals("-")) {
      try (FsOptions.Clients c = fs.connect(); Progress progress = transfer.progress("stdin", -1)) {
        FileEntry e = c.files().write(t.volume(), t.path(), progress.counting(System.in), -1);
        printEntries(out, List.of(Map.entry(t.toString(), e)));
      }
      return ExitCodes.OK;
    }
    Path local = Path.of(source);
    if (Files.isDirectory(local)) {
      if (!transfer.recursive) {
        throw DyadException.invalidArgument(source + " is a directory: give -r to put everything under it");
      }
      return putTree(local, t, out);
    }
    if (!Files.isRegularFile(local)) {
      throw DyadException.invalidArgument("cannot read " + source + ": no such file");
    }
    try (FsOptions.Clients c = fs.connect();
        Progress progress = transfer.progress(local.getFileName().toString(), Files.size(local))) {
      FileEntry e = putFile(c.files(), local, t, progress);
      printEntries(out, List.of(Map.entry(t.toString(), e)));
    }
    return ExitCodes.OK;
  }

  private static FileEntry putFile(FileSystemClient files, Path local, FsOptions.Target t, Progress progress)
      throws DyadException, IOException {
    return files.put(t.volume(), t.path(), progress.rereadable(() -> Files.newInputStream(local)), Files.size(local));
  }

  /** Every directory first (in order, parents before children), then the files, {@code --parallel} at a time. */
  private int putTree(Path root, FsOptions.Target t, PrintWriter out) throws DyadException, IOException {
    List<Path> dirs = new ArrayList<>();
    List<Path> files = new ArrayList<>();
    long total = 0;
    try (Stream<Path> walk = Files.walk(root)) {
      for (Path p : (Iterable<Path>) walk.sorted()::iterator) {
        if (Files.isDirectory(p)) {
          dirs.add(p);
        } else if (Files.isRegularFile(p)) {
          files.add(p);
          total += Files.size(p);
        } else {
          spec.commandLine().getErr().println("dyad: skipping " + p + ": not a regular file");
        }
      }
    }
    List<Map.Entry<String, FileEntry>> written = Collections.synchronizedList(new ArrayList<>());
    try (FsOptions.Clients c = fs.connect(); Progress progress = transfer.progress(root.getFileName() + "/", total)) {
      for (Path d : dirs) {
        c.files().mkdir(t.volume(), remote(t, root, d), true);
      }
      ParallelTransfers transfers = new ParallelTransfers();
      for (Path f : files) {
        FsOptions.Target to = new FsOptions.Target(t.volume(), remote(t, root, f));
        transfers.add(f + " -> " + to, () -> written.add(Map.entry(to.toString(), putFile(c.files(), f, to, progress))));
      }
      int exit = transfers.runAll(transfer.parallel(), spec.commandLine().getErr());
      printEntries(out, written);
      return exit;
    }
  }

  /** Where the local {@code p} under {@code root} goes under the target directory. */
  private static String remote(FsOptions.Target t, Path root, Path p) {
    String base = t.path().equals("/") ? "" : t.path();
    List<String> parts = new ArrayList<>();
    root.relativize(p).forEach(part -> parts.add(part.toString()));
    String relative = String.join("/", parts);
    return relative.isEmpty() ? (base.isEmpty() ? "/" : base) : base + "/" + relative;
  }

  private void printEntries(PrintWriter out, List<Map.Entry<String, FileEntry>> written) throws DyadException {
    if (!json) {
      return;
    }
    List<Object> list = written.stream().sorted(Map.Entry.comparingByKey())
        .map(e -> (Object) JsonOut.entry(e.getKey(), e.getValue())).toList();
    JsonOut.print(out, list.size() == 1 && !transfer.recursive ? list.get(0) : list);
  }
}
