package io.dyad.dosm;

import com.google.common.util.concurrent.AbstractIdleService;
import io.dyad.common.DyadException;
import io.dyad.common.access.ClusterSecret;
import io.dyad.common.access.Locator;
import io.dyad.common.access.Locators;
import io.dyad.coordinator.startup.AccessControl;
import io.dyad.coordinator.startup.LinkSecurity;
import io.dyad.coordinator.view.ClusterView;
import io.dyad.rpc.server.AccessRefusals;
import java.time.Clock;
import java.util.Optional;

/**
 * Access control at the DOSM: in a cluster with a secret, every object operation needs a locator permitting it (from
 * a DDM) or an operator's credential; without one, everything is allowed. Starting checks that this DOSM holds the
 * cluster's secret (or none, if the cluster has none) and fails otherwise, so the DOSM does not start.
 */
final class ObjectAccess extends AbstractIdleService {
  private final String instance;
  private final ClusterView view;
  private final Optional<ClusterSecret> secret;
  private final boolean tls;
  private final AccessRefusals refusals;
  private volatile Optional<Locators> locators = Optional.empty();

  /**
   * @param tls whether the DOSM's links run TLS (the cluster's must agree)
   * @param refusals where refused credentials are counted and logged
   */
  ObjectAccess(String instance, ClusterView view, Optional<ClusterSecret> secret, boolean tls,
      AccessRefusals refusals) {
    this.instance = instance;
    this.view = view;
    this.secret = secret;
    this.tls = tls;
    this.refusals = refusals;
  }

  @Override
  protected void startUp() throws DyadException {
    LinkSecurity.verify(view.current(), tls, "dosm " + instance);
    locators = AccessControl.verify(view.current(), secret, "dosm " + instance)
        .map(s -> new Locators(s, Clock.systemUTC()));
  }

  @Override
  protected void shutDown() {}

  /** @throws DyadException ACCESS_DENIED if the cluster controls access and the credential does not permit it */
  void check(String credential, Locator.Operation op, String objectId) throws DyadException {
    Optional<Locators> l = locators;
    if (l.isPresent()) {
      try {
        l.get().check(credential, op, objectId);
      } catch (DyadException e) {
        refusals.credentialRefused(op + " of " + (objectId.isEmpty() ? "a new object" : objectId), e.getMessage());
        throw e;
      }
    }
  }

  boolean enabled() {
    return locators.isPresent();
  }
}
