'use strict';
// Typed errors of the Dyad client. Every failure a caller can act on is a DyadError with a `code` (the ErrorCode
// name of common.thrift, e.g. 'NOT_FOUND') and a numeric `errorCode`; no raw Thrift type ever reaches the caller.

class DyadError extends Error {
  constructor(message, options) {
    super(message, options && options.cause !== undefined ? { cause: options.cause } : undefined);
    this.name = this.constructor.name;
  }
}
DyadError.prototype.code = 'INTERNAL';
DyadError.prototype.errorCode = 0;

const CODES = [
  // [class name, code name, number]
  ['NotFound', 'NOT_FOUND', 1],
  ['AlreadyExists', 'ALREADY_EXISTS', 2],
  ['ChecksumMismatch', 'CHECKSUM_MISMATCH', 3],
  ['InvalidArgument', 'INVALID_ARGUMENT', 4],
  ['StorageFull', 'STORAGE_FULL', 5],
  ['StaleEpoch', 'STALE_EPOCH', 6],
  ['Unavailable', 'UNAVAILABLE', 7],
  ['AccessDenied', 'ACCESS_DENIED', 8],
  ['NotADirectory', 'NOT_A_DIRECTORY', 9],
  ['IsADirectory', 'IS_A_DIRECTORY', 10],
  ['NotEmpty', 'NOT_EMPTY', 11],
];

const classes = { DyadError };
const byNumber = new Map();
for (const [name, code, number] of CODES) {
  const cls = { [name]: class extends DyadError {} }[name];
  cls.prototype.code = code;
  cls.prototype.errorCode = number;
  classes[name] = cls;
  byNumber.set(number, cls);
}

/** A fault inside a server (TApplicationException) or a reply this client cannot understand. */
class InternalError extends DyadError {}
classes.InternalError = InternalError;

/**
 * The DyadError for anything a Thrift call failed with: a typed exception of common.thrift, a
 * TApplicationException, or a transport error (`where` names the peer).
 */
function fromThrift(err, where) {
  if (err instanceof DyadError) {
    return err;
  }
  if (err && typeof err === 'object') {
    const number = typeof err.code === 'number' ? err.code : undefined;
    const cls = number !== undefined ? byNumber.get(number) : undefined;
    if (cls && typeof err.name === 'string' && err.name === cls.name) {
      const e = new cls(err.message || cls.name);
      if (err.currentEpoch !== undefined && err.currentEpoch !== null) {
        e.currentEpoch = Number(err.currentEpoch);
      }
      return e;
    }
    if (err.name === 'TApplicationException') {
      const e = new InternalError(`${where}: server error: ${err.message || 'no message'} (type ${err.type})`);
      e.applicationErrorType = err.type;
      return e;
    }
    if (err.name === 'TProtocolException' || err.name === 'InputBufferUnderrunError') {
      return new InternalError(`${where}: cannot decode the reply: ${err.message}`);
    }
    if (err instanceof Error) {
      return new classes.Unavailable(`${where}: ${err.message}`, { cause: err });
    }
  }
  return new InternalError(`${where}: ${String(err)}`);
}

/** Whether another gateway may succeed where this failure happened. */
function retriableElsewhere(err) {
  return err instanceof classes.Unavailable || err instanceof classes.StaleEpoch;
}

module.exports = { ...classes, fromThrift, retriableElsewhere };
