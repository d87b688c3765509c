package io.dyad.rpc;

import com.google.common.net.HostAndPort;
import io.dyad.common.DyadException;
import io.dyad.common.ErrorCode;
import io.dyad.common.StaleEpochException;
import io.dyad.rpc.tls.TlsErrors;
import io.dyad.thrift.AccessDenied;
import io.dyad.thrift.AlreadyExists;
import io.dyad.thrift.ChecksumMismatch;
import io.dyad.thrift.InvalidArgument;
import io.dyad.thrift.IsADirectory;
import io.dyad.thrift.NotADirectory;
import io.dyad.thrift.NotEmpty;
import io.dyad.thrift.NotFound;
import io.dyad.thrift.StaleEpoch;
import io.dyad.thrift.StorageFull;
import io.dyad.thrift.Unavailable;
import java.net.SocketTimeoutException;
import org.apache.thrift.TApplicationException;
import org.apache.thrift.TException;
import org.apache.thrift.transport.TTransportException;

/**
 * The one mapping between {@link DyadException} and the IDL's typed exceptions, both ways. Handlers call
 * {@link #toThrift} at their edge; clients call {@link #fromThrift}.
 */
public final class ThriftErrors {
  private ThriftErrors() {}

  /** The IDL exception for a Dyad error. {@link ErrorCode#INTERNAL} becomes an INTERNAL_ERROR application exception. */
  public static TException toThrift(DyadException e) {
    String m = e.getMessage();
    switch (e.code()) {
      case NOT_FOUND:
        return new NotFound().setMessage(m);
      case ALREADY_EXISTS:
        return new AlreadyExists().setMessage(m);
      case CHECKSUM_MISMATCH:
        return new ChecksumMismatch().setMessage(m);
      case INVALID_ARGUMENT:
        return new InvalidArgument().setMessage(m);
      case STORAGE_FULL:
        return new StorageFull().setMessage(m);
      case STALE_EPOCH:
        StaleEpoch stale = new StaleEpoch().setMessage(m);
        if (e instanceof StaleEpochException se) {
          stale.setCurrentEpoch(se.currentEpoch());
        }
        return stale;
      case UNAVAILABLE:
        return new Unavailable().setMessage(m);
      case ACCESS_DENIED:
        return new AccessDenied().setMessage(m);
      case NOT_A_DIRECTORY:
        return new NotADirectory().setMessage(m);
      case IS_A_DIRECTORY:
        return new IsADirectory().setMessage(m);
      case NOT_EMPTY:
        return new NotEmpty().setMessage(m);
      default:
        return new TApplicationException(TApplicationException.INTERNAL_ERROR, m);
    }
  }

  /** Whether {@code e} is one of the IDL's typed exceptions: the peer answered in good order. */
  public static boolean isTypedReply(TException e) {
    return e instanceof NotFound || e instanceof AlreadyExists || e instanceof ChecksumMismatch
        || e instanceof InvalidArgument || e instanceof StorageFull || e instanceof StaleEpoch
        || e instanceof Unavailable || e instanceof AccessDenied || e instanceof NotADirectory
        || e instanceof IsADirectory || e instanceof NotEmpty;
  }

  /**
   * Whether a call that failed with {@code e} leaves its connection unusable, so that it must be closed instead of
   * reused: the one rule for every Dyad client. A typed exception, or an application exception the server sent
   * ({@code INTERNAL_ERROR}, {@code PROTOCOL_ERROR}, {@code UNKNOWN_METHOD}), is an answer in good order: the
   * conversation is still in step. Anything else breaks it: a transport or protocol failure, and the application
   * exceptions the client raises itself when a reply does not belong to its call ({@code BAD_SEQUENCE_ID},
   * {@code MISSING_RESULT}, {@code WRONG_METHOD_NAME}...): a late reply to an earlier call may still be on its way.
   */
  public static boolean breaksConnection(TException e) {
    if (isTypedReply(e)) {
      return false;
    }
    if (e instanceof TApplicationException a) {
      int type = a.getType();
      return type != TApplicationException.INTERNAL_ERROR && type != TApplicationException.PROTOCOL_ERROR
          && type != TApplicationException.UNKNOWN_METHOD;
    }
    return true;
  }

  /**
   * A Dyad error for whatever a Thrift call to {@code peer} threw: typed exceptions keep their code; a broken
   * or timed-out connection is {@link ErrorCode#UNAVAILABLE}; a refused oversize frame is
   * {@link ErrorCode#INVALID_ARGUMENT}; any other application exception is {@link ErrorCode#INTERNAL}.
   */
  public static DyadException fromThrift(HostAndPort peer, TException e) {
    if (e instanceof NotFound) {
      return new DyadException(ErrorCode.NOT_FOUND, ((NotFound) e).getMessage(), e);
    } else if (e instanceof AlreadyExists) {
      return new DyadException(ErrorCode.ALREADY_EXISTS, ((AlreadyExists) e).getMessage(), e);
    } else if (e instanceof ChecksumMismatch) {
      return new DyadException(ErrorCode.CHECKSUM_MISMATCH, ((ChecksumMismatch) e).getMessage(), e);
    } else if (e instanceof InvalidArgument) {
      return new DyadException(ErrorCode.INVALID_ARGUMENT, ((InvalidArgument) e).getMessage(), e);
    } else if (e instanceof StorageFull) {
      return new DyadException(ErrorCode.STORAGE_FULL, ((StorageFull) e).getMessage(), e);
    } else if (e instanceof StaleEpoch) {
      StaleEpochException stale = new StaleEpochException(((StaleEpoch) e).getMessage(), ((StaleEpoch) e).getCurrentEpoch());
      stale.initCause(e);
      return stale;
    } else if (e instanceof Unavailable) {
      return new DyadException(ErrorCode.UNAVAILABLE, ((Unavailable) e).getMessage(), e);
    } else if (e instanceof AccessDenied) {
      return new DyadException(ErrorCode.ACCESS_DENIED, ((AccessDenied) e).getMessage(), e);
    } else if (e instanceof NotADirectory) {
      return new DyadException(ErrorCode.NOT_A_DIRECTORY, ((NotADirectory) e).getMessage(), e);
    } else if (e instanceof IsADirectory) {
      return new DyadException(ErrorCode.IS_A_DIRECTORY, ((IsADirectory) e).getMessage(), e);
    } else if (e instanceof NotEmpty) {
      return new DyadException(ErrorCode.NOT_EMPTY, ((NotEmpty) e).getMessage(), e);
    } else if (e instanceof TTransportException && tlsFailure(e)) {
      return new DyadException(ErrorCode.UNAVAILABLE, "lost the connection to " + peer + ": "
          + TlsErrors.describe(e, "the server"), e);
    } else if (e instanceof TTransportException) {
      boolean timedOut = ((TTransportException) e).getType() == TTransportException.TIMED_OUT
          || e.getCause() instanceof SocketTimeoutException;
      return new DyadException(ErrorCode.UNAVAILABLE,
          (timedOut ? "no reply from " : "lost the connection to ") + peer
              + (e.getMessage() == null ? "" : ": " + e.getMessage()), e);
    } else if (e instanceof TApplicationException) {
      TApplicationException a = (TApplicationException) e;
      ErrorCode code = a.getType() == TApplicationException.PROTOCOL_ERROR
          ? ErrorCode.INVALID_ARGUMENT : ErrorCode.INTERNAL;
      return new DyadException(code, peer + " refused the request: " + a.getMessage(), e);
    }
    return new DyadException(ErrorCode.INTERNAL, "call to " + peer + " failed: " + e, e);
  }

  private static boolean tlsFailure(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof javax.net.ssl.SSLException) {
        return true;
      }
    }
    return false;
  }
}
