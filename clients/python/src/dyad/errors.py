"""Typed exceptions of the Dyad client.

Every error a caller can act on is a :class:`DyadError` subclass carrying ``code`` (the ``ErrorCode`` number of
``common.thrift``) and ``message``. Raw Thrift exceptions never reach callers: the Thrift exceptions of
``common.thrift`` map one to one onto the classes below, a server fault (``TApplicationException``) becomes
:class:`InternalError`, and a connection that fails (refused, reset, timed out, TLS failure) becomes
:class:`Unavailable` once every gateway the operation may use has been tried.
"""

from __future__ import annotations

__all__ = [
    "DyadError", "NotFound", "AlreadyExists", "ChecksumMismatch", "InvalidArgument", "StorageFull",
    "StaleEpoch", "Unavailable", "AccessDenied", "NotADirectory", "IsADirectory", "NotEmpty", "InternalError",
    "error_for_code",
]


class DyadError(Exception):
    """Base class of every Dyad error. ``code``: the ErrorCode of common.thrift (0 for InternalError)."""

    code: int = 0

    def __init__(self, message: str = "", code: int | None = None):
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code

    def __str__(self) -> str:
        return self.message or self.__class__.__name__


class NotFound(DyadError):
    """No such object, file, directory or volume (or it was deleted), or an expired write session."""
    code = 1


class AlreadyExists(DyadError):
    """The object id was already used, or the volume / directory / rename target exists."""
    code = 2


class ChecksumMismatch(DyadError):
    """Bytes failed their CRC32C: at commit, on the server, or the bytes a read received (checked here)."""
    code = 3


class InvalidArgument(DyadError):
    """A malformed request: a bad id, path, volume name, offset, length or page size."""
    code = 4


class StorageFull(DyadError):
    """The storage nodes have no room left for the write."""
    code = 5


class StaleEpoch(DyadError):
    """Routed under an old failover epoch (internal to the cluster; clients rarely see it)."""
    code = 6

    def __init__(self, message: str = "", code: int | None = None, current_epoch: int = 0):
        super().__init__(message, code)
        self.current_epoch = current_epoch


class Unavailable(DyadError):
    """No gateway (or member) could serve the request now: try again later."""
    code = 7


class AccessDenied(DyadError):
    """A missing, expired or wrong credential or locator."""
    code = 8


class NotADirectory(DyadError):
    """A path component, or the target of a directory operation, is a file."""
    code = 9


class IsADirectory(DyadError):
    """A file operation named a directory."""
    code = 10


class NotEmpty(DyadError):
    """A non-recursive remove of a directory (or a delete of a volume) that still has entries."""
    code = 11


class InternalError(DyadError):
    """A fault inside a server (TApplicationException), or a server answer this client cannot use."""
    code = 0


_BY_CODE = {c.code: c for c in (NotFound, AlreadyExists, ChecksumMismatch, InvalidArgument, StorageFull, StaleEpoch,
                                Unavailable, AccessDenied, NotADirectory, IsADirectory, NotEmpty)}


def error_for_code(code: int, message: str) -> DyadError:
    """The exception for an ErrorCode number (InternalError for an unknown one)."""
    cls = _BY_CODE.get(code)
    if cls is None:
        return InternalError(message or f"error code {code}", code)
    return cls(message)
