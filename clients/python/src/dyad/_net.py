"""Connections: framed strict-binary Thrift over TCP or TLS, pooled per address.

Thrift's own TFramedTransport reads a frame with TTransportBase.readAll, which concatenates the socket's reads into
one bytes object and so copies a multi-megabyte frame hundreds of times. This transport reads each frame with
recv_into into one buffer, and writes a frame with two sendall calls.
"""

from __future__ import annotations

import io
import socket
import ssl
import struct
import threading
import time
from dataclasses import dataclass
from typing import Callable, Dict, List, Optional, TypeVar

from thrift.Thrift import TApplicationException, TException
from thrift.protocol import TBinaryProtocol
from thrift.protocol.TProtocol import TProtocolException
from thrift.transport import TTransport

from . import errors

try:  # the C encoder/decoder (python3-thrift ships it); the pure-Python protocol otherwise
    from thrift.protocol import fastbinary  # noqa: F401
    _Protocol = TBinaryProtocol.TBinaryProtocolAccelerated
    ACCELERATED = True
except ImportError:  # pragma: no cover
    _Protocol = TBinaryProtocol.TBinaryProtocol
    ACCELERATED = False

T = TypeVar("T")


def split_address(address: str):
    """("host", port) of "HOST:PORT" (or "[v6]:PORT")."""
    address = address.strip()
    if address.startswith("["):
        host, _, rest = address[1:].partition("]")
        port = rest.lstrip(":")
    else:
        host, _, port = address.rpartition(":")
    if not host or not port.isdigit():
        raise errors.InvalidArgument(f"not a HOST:PORT address: {address!r}")
    return host, int(port)


@dataclass(frozen=True)
class TlsConfig:
    """TLS settings: the cluster's CA (PEM) and, for servers that require one, a client certificate and key (PEM)."""
    ca: str
    cert: Optional[str] = None
    key: Optional[str] = None

    def context(self) -> ssl.SSLContext:
        ctx = ssl.create_default_context(ssl.Purpose.SERVER_AUTH, cafile=self.ca)
        ctx.minimum_version = ssl.TLSVersion.TLSv1_2
        ctx.check_hostname = True  # the server's certificate must name the address dialled (IP SANs included)
        if self.cert:
            ctx.load_cert_chain(self.cert, self.key or None)
        return ctx


class ConnectionFailed(errors.Unavailable):
    """A connection could not be made, or failed during a call (it is closed; the call may or may not have run)."""


class FramedSocket(TTransport.TTransportBase, TTransport.CReadableTransport):
    """A framed Thrift transport on a (TLS) socket."""

    def __init__(self, sock: socket.socket):
        self._sock = sock
        self._wbuf = io.BytesIO()
        self._rbuf = io.BytesIO(b"")

    def isOpen(self):
        return self._sock is not None

    def open(self):
        pass

    def close(self):
        if self._sock is not None:
            try:
                self._sock.close()
            finally:
                self._sock = None

    def _recv_exact(self, n: int) -> bytearray:
        buf = bytearray(n)
        view = memoryview(buf)
        got = 0
        recv_into = self._sock.recv_into
        while got < n:
            k = recv_into(view[got:], n - got)
            if k == 0:
                raise EOFError("the server closed the connection")
            got += k
        return buf

    def _read_frame(self):
        (size,) = struct.unpack("!i", self._recv_exact(4))
        if size < 0:
            raise TTransport.TTransportException(TTransport.TTransportException.INVALID_FRAME_SIZE,
                                                 f"bad frame size {size}")
        self._rbuf = io.BytesIO(self._recv_exact(size))

    def read(self, sz):
        data = self._rbuf.read(sz)
        if data:
            return data
        self._read_frame()
        return self._rbuf.read(sz)

    def write(self, buf):
        self._wbuf.write(buf)

    def flush(self):
        data = self._wbuf.getbuffer()
        try:
            self._sock.sendall(struct.pack("!i", len(data)))
            self._sock.sendall(data)
        finally:
            del data
            self._wbuf = io.BytesIO()

    # CReadableTransport, for the C decoder
    @property
    def cstringio_buf(self):
        return self._rbuf

    def cstringio_refill(self, prefix, reqlen):
        while len(prefix) < reqlen:
            self._read_frame()
            prefix += self._rbuf.getvalue()
        self._rbuf = io.BytesIO(prefix)
        return self._rbuf


class Connection:
    """One connection to one server, with the generated Thrift client of its service."""

    def __init__(self, address: str, client_class, tls: Optional[ssl.SSLContext], connect_timeout: float,
                 timeout: float):
        self.address = address
        host, port = split_address(address)
        try:
            sock = socket.create_connection((host, port), timeout=connect_timeout)
        except OSError as e:
            raise ConnectionFailed(f"cannot connect to {address}: {e.strerror or e}") from None
        try:
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            if tls is not None:
                sock = tls.wrap_socket(sock, server_hostname=host)
            sock.settimeout(timeout)
        except (OSError, ssl.SSLError) as e:
            sock.close()
            raise ConnectionFailed(f"TLS handshake with {address} failed: {e}") from None
        self.transport = FramedSocket(sock)
        self.client = client_class(_Protocol(self.transport))
        self.last_used = time.monotonic()
        self.broken = False

    def close(self):
        self.broken = True
        self.transport.close()

    def call(self, fn: Callable[..., T]) -> T:
        """fn(client) with every failure turned into a DyadError (a failed connection is closed)."""
        try:
            return fn(self.client)
        except errors.DyadError:
            raise
        except TApplicationException as e:
            # the server answered (and the connection stays usable), unless the client lost its place in the
            # conversation (a bad sequence id or a missing result): then the connection is dropped
            if e.type not in (TApplicationException.INTERNAL_ERROR, TApplicationException.PROTOCOL_ERROR,
                              TApplicationException.UNKNOWN_METHOD):
                self.close()
            raise errors.InternalError(f"{self.address}: {e.message or e}") from None
        except (TTransport.TTransportException, TProtocolException, OSError, EOFError, struct.error) as e:
            self.close()
            what = "timed out" if isinstance(e, socket.timeout) else (str(e) or type(e).__name__)
            raise ConnectionFailed(f"connection to {self.address} failed: {what}") from None
        except TException as e:
            code = getattr(e, "code", None)
            if isinstance(code, int):  # a typed exception of common.thrift
                err = errors.error_for_code(code, getattr(e, "message", None) or "")
                if isinstance(err, errors.StaleEpoch):
                    err.current_epoch = getattr(e, "currentEpoch", 0) or 0
                raise err from None
            raise errors.InternalError(f"{self.address}: {e}") from None
        finally:
            self.last_used = time.monotonic()


class Pool:
    """Connections by (service, address): reused, at most max_per_address open to one address, closed when idle for
    longer than max_idle seconds (checked whenever a connection is leased). Thread-safe."""

    def __init__(self, tls: Optional[TlsConfig], connect_timeout: float = 5.0, timeout: float = 60.0,
                 max_per_address: int = 8, max_idle: float = 30.0):
        self._tls = tls.context() if tls else None
        self._connect_timeout = connect_timeout
        self._timeout = timeout
        self._max = max_per_address
        self._max_idle = max_idle
        self._idle: Dict[tuple, List[Connection]] = {}
        self._open: Dict[tuple, int] = {}
        self._cond = threading.Condition()
        self._closed = False

    def _lease(self, client_class, address: str, fresh: bool):
        key = (client_class, address)
        with self._cond:
            while True:
                if self._closed:
                    raise errors.Unavailable("the client is closed")
                idle = self._idle.setdefault(key, [])
                now = time.monotonic()
                while idle and not fresh:
                    c = idle.pop()
                    if now - c.last_used < self._max_idle and not c.broken:
                        return c, True
                    c.close()
                    self._open[key] -= 1
                if self._open.get(key, 0) < self._max:
                    self._open[key] = self._open.get(key, 0) + 1
                    break
                if fresh and idle:
                    idle.pop().close()
                    continue
                if not self._cond.wait(self._timeout):
                    raise errors.Unavailable(f"no free connection to {address} within {self._timeout:.0f} s")
        try:
            return Connection(address, client_class, self._tls, self._connect_timeout, self._timeout), False
        except BaseException:
            with self._cond:
                self._open[key] -= 1
                self._cond.notify()
            raise

    def _release(self, c: Connection, client_class):
        key = (client_class, c.address)
        with self._cond:
            if c.broken or self._closed:
                c.close()
                self._open[key] -= 1
            else:
                self._idle.setdefault(key, []).append(c)
            self._cond.notify()

    def call(self, client_class, address: str, fn: Callable[[Connection], T]) -> T:
        """fn(connection) on a pooled connection to address. If a reused connection turns out to be dead (the server
        closed it while idle), fn runs once more on a new one: only pass calls that may be repeated."""
        c, reused = self._lease(client_class, address, fresh=False)
        try:
            return fn(c)
        except ConnectionFailed:
            if not reused:
                raise
        finally:
            self._release(c, client_class)
        c, _ = self._lease(client_class, address, fresh=True)
        try:
            return fn(c)
        finally:
            self._release(c, client_class)

    def forget(self, client_class, address: str):
        """Closes the idle connections to address."""
        key = (client_class, address)
        with self._cond:
            for c in self._idle.pop(key, []):
                c.close()
                self._open[key] -= 1
            self._cond.notify_all()

    def close(self):
        with self._cond:
            self._closed = True
            for key, idle in self._idle.items():
                for c in idle:
                    c.close()
                    self._open[key] -= 1
            self._idle.clear()
            self._cond.notify_all()
