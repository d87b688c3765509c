package io.dyad.common;

import java.util.List;

/**
 * How a request to a member was routed: the failover epoch the router acted under (0: not routed, e.g. a
 * tool talking to one standalone node) and, for writes, the members that will lack the object (a degraded
 * write), for which the member must keep durable hints.
 */
public record Routing(long epoch, List<String> hintFor) {
  public static final Routing NONE = new Routing(0, List.of());

  public Routing {
    hintFor = List.copyOf(hintFor);
  }

  public static Routing at(long epoch) {
    return new Routing(epoch, List.of());
  }

  public Routing withHintsFor(List<String> members) {
    return new Routing(epoch, members);
  }
}
