package io.dyad.cli;

import io.dyad.common.ErrorCode;

/**
 * Exit codes of every dyad command, so that scripts can tell failures apart:
 * 0 success; 1 failure; 2 bad usage; 3 not found; 4 unavailable (a daemon, port, directory or the cluster
 * cannot be used); 5 checksum mismatch; 6 already exists; 7 storage full; 8 access denied; 9 not a directory;
 * 10 is a directory; 11 directory not empty.
 */
public final class ExitCodes {
  public static final int OK = 0;
  public static final int FAILURE = 1;
  public static final int USAGE = 2;

  private ExitCodes() {}

  public static int of(ErrorCode code) {
    switch (code) {
      case INVALID_ARGUMENT:
        return USAGE;
      case NOT_FOUND:
        return 3;
      case UNAVAILABLE:
      case STALE_EPOCH:
        return 4;
      case CHECKSUM_MISMATCH:
        return 5;
      case ALREADY_EXISTS:
        return 6;
      case STORAGE_FULL:
        return 7;
      case ACCESS_DENIED:
        return 8;
      case NOT_A_DIRECTORY:
        return 9;
      case IS_A_DIRECTORY:
        return 10;
      case NOT_EMPTY:
        return 11;
      default:
        return FAILURE;
    }
  }
}
