package io.dyad.cli;

import com.google.common.net.HostAndPort;
import io.dyad.client.DyadClient;
import io.dyad.client.FileSystemClient;
import io.dyad.common.DyadException;
import io.dyad.common.ErrorCode;
import io.dyad.coordinator.model.GatewayInfo;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * How file commands reach the cluster: DDMs from {@code --ddm} (or {@code $DYAD_DDM}, comma-separated), else those
 * registered in ZooKeeper; file bytes go through the DOSMs as for object commands.
 */
final class FsOptions {
  @Mixin ClientOptions objects;

  @Option(names = "--ddm", converter = HostPortConverter.class, paramLabel = "HOST:PORT",
      description = "A DDM to use (repeatable); default: $DYAD_DDM, else the DDMs registered in ZooKeeper.")
  List<HostAndPort> ddms;

  /** A file client; close it, then {@link Clients#objects}. */
  Clients connect() throws DyadException {
    List<HostAndPort> seeds = ddmSeeds();
    DyadClient o = objects.connect();
    return new Clients(new FileSystemClient(seeds, o, objects.config().thrift()), o);
  }

  /** The file client and the object client under it. */
  record Clients(FileSystemClient files, DyadClient objects) implements AutoCloseable {
    @Override
    public void close() {
      files.close();
      objects.close();
    }
  }

  private List<HostAndPort> ddmSeeds() throws DyadException {
    if (ddms != null && !ddms.isEmpty()) {
      return ddms;
    }
    String env = System.getenv("DYAD_DDM");
    if (env != null && !env.isBlank()) {
      List<HostAndPort> out = new ArrayList<>();
      for (String part : env.split(",")) {
        if (!part.isBlank()) {
          out.add(HostPortConverter.parse(part.trim(), "$DYAD_DDM"));
        }
      }
      return out;
    }
    try (ClusterSession session = ClusterSession.open(objects.zk.config())) {
      List<HostAndPort> out = new ArrayList<>();
      for (GatewayInfo g : session.snapshot().ddms().values()) {
        out.add(HostAndPort.fromString(g.address()));
      }
      if (out.isEmpty()) {
        throw new DyadException(ErrorCode.UNAVAILABLE, "no DDM is running (none registered under /dyad/ddm at "
            + objects.zk.connectString() + "); start one with 'dyad ddm', or give --ddm HOST:PORT");
      }
      return out;
    }
  }

  /** A VOLUME:/PATH argument. */
  record Target(String volume, String path) {
    static Target parse(String arg) throws DyadException {
      int colon = arg.indexOf(':');
      if (colon <= 0 || colon == arg.length() - 1 || arg.charAt(colon + 1) != '/') {
        throw DyadException.invalidArgument("'" + arg + "' is not VOLUME:/PATH (for example photos:/2026/a.jpg)");
      }
      return new Target(arg.substring(0, colon), arg.substring(colon + 1));
    }

    @Override
    public String toString() {
      return volume + ":" + path;
    }
  }
}
