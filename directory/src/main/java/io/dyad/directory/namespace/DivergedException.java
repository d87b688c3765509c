package io.dyad.directory.namespace;

import io.dyad.common.DyadException;
import io.dyad.common.ErrorCode;

/**
 * This directory applied a different change under a sequence number than its partner did (possible only for the
 * last change of a primary that stopped before it knew whether its duplicate applied it). It must be rebuilt from
 * its partner's snapshot; nothing is applied to it meanwhile.
 */
public final class DivergedException extends DyadException {
  private static final long serialVersionUID = 1L;

  public DivergedException(String volume, long seq) {
    super(ErrorCode.UNAVAILABLE, "volume " + volume + " holds a different change " + seq
        + " than its partner: this directory must be rebuilt from its partner's snapshot");
  }
}
