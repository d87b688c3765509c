package io.dyad.directory.server;

import io.dyad.coordinator.fencing.MemberGate;
import io.dyad.directory.namespace.NamespaceStore;
import io.dyad.rpc.server.ThriftServerService;
import io.dyad.server.ServiceStack;
import java.net.InetSocketAddress;

/**
 * A directory server as a cluster member, as {@link DirectoryAssembly} wires it: its store, its Thrift server, what
 * it may do now, and the whole member as one service.
 */
public final class DirectoryMember {
  private final NamespaceStore store;
  private final ThriftServerService server;
  private final MemberGate gate;
  private final ServiceStack service;

  DirectoryMember(NamespaceStore store, ThriftServerService server, MemberGate gate, ServiceStack service) {
    this.store = store;
    this.server = server;
    this.gate = gate;
    this.service = service;
  }

  public ServiceStack service() {
    return service;
  }

  /** Where the Thrift service listens (with the real port). Valid while running. */
  public InetSocketAddress address() {
    return server.boundAddress();
  }

  public NamespaceStore store() {
    return store;
  }

  /** What the member may do now. */
  public MemberGate.Status status() {
    return gate.status();
  }
}
