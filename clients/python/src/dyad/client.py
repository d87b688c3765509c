"""The Dyad client: objects through the object gateways (DOSMs), files by path through the directory gateways (DDMs)."""

from __future__ import annotations

import concurrent.futures
import io
import itertools
import logging
import os
import threading
import time
import uuid
from typing import BinaryIO, Callable, Dict, Iterator, List, Optional, Sequence, Tuple, Union

from . import _crc, errors
from ._gen.dyad.ddm import FileSystem
from ._gen.dyad.dosm import ObjectGateway
from ._gen.dyad.storage import StorageNode
from ._net import ConnectionFailed, Pool, TlsConfig, split_address
from .credentials import OperatorCredential
from .reader import ObjectReader
from .model import FileInfo, GatewayInfo, Location, Locations, ObjectInfo, VolumeInfo

__all__ = ["Dyad", "TlsConfig", "split_path"]

LOG = logging.getLogger("dyad")

Progress = Callable[[int, str], None]
Source = Union[bytes, bytearray, memoryview, BinaryIO, str, os.PathLike]

_STATES = {0: "ABSENT", 1: "PRESENT", 2: "DELETED"}
_DIRECTORY = 1  # directory.thrift EntryType


def split_path(path: str) -> Tuple[str, str]:
    """("volume", "/a/b") of "volume:/a/b". The path part is sent as it is: the DDM checks it."""
    if not isinstance(path, str):
        raise errors.InvalidArgument(f"a Dyad path is a 'volume:/path' string, not {type(path).__name__}")
    volume, sep, p = path.partition(":")
    if not sep or not volume:
        raise errors.InvalidArgument(f"not a 'volume:/path' path: {path!r}")
    return volume, p


def _split_list(value: Optional[Union[str, Sequence[str]]]) -> List[str]:
    if value is None:
        return []
    if isinstance(value, str):
        value = value.split(",")
    return [v.strip() for v in value if v and v.strip()]


class _Gateways:
    """The gateways of one kind a client knows; those that failed in the last few seconds are tried last."""

    SUSPECT_SECONDS = 3.0

    def __init__(self, seeds: List[str]):
        self.seeds = list(seeds)
        self.known = list(seeds)
        self._suspects: Dict[str, float] = {}
        self._next = itertools.count()
        self._lock = threading.Lock()

    def learn(self, live: List[str], answered: Optional[str] = None):
        live = [a for a in live if a]
        if answered and answered not in live:
            live.append(answered)  # it answered, so it is live even if it has not registered yet
        if live:
            with self._lock:
                self.known = live

    def plan(self, attempts: int) -> List[str]:
        """The gateways an operation tries, in order: round robin over the healthy ones, the suspects last."""
        with self._lock:
            known = list(self.known) or list(self.seeds)
            now = time.monotonic()
            healthy = [g for g in known if self._suspects.get(g, 0) <= now]
            suspects = sorted((g for g in known if self._suspects.get(g, 0) > now), key=lambda g: self._suspects[g])
        start = next(self._next)
        if healthy:
            k = start % len(healthy)
            healthy = healthy[k:] + healthy[:k]
        order = healthy + suspects
        if not order:
            return []
        return [order[i % len(order)] for i in range(max(attempts, 1))]

    def is_suspect(self, gateway: str) -> bool:
        return self._suspects.get(gateway, 0) > time.monotonic()

    def suspect(self, gateway: str):
        with self._lock:
            self._suspects[gateway] = time.monotonic() + self.SUSPECT_SECONDS


class _Source:
    """What a put reads: bytes, or a binary file (a path is opened here). Restartable when it can seek back."""

    def __init__(self, data: Source, size: Optional[int]):
        self._owned = None
        self._view = None
        self._file = None
        if isinstance(data, (bytes, bytearray, memoryview)):
            self._view = memoryview(data).cast("B")
            self.size = len(self._view)
            self.restartable = True
            self._at = 0
            return
        if isinstance(data, (str, os.PathLike)):
            try:
                self._owned = open(data, "rb")
            except OSError as e:
                raise errors.InvalidArgument(f"cannot open {os.fspath(data)}: {e.strerror or e}") from None
            data = self._owned
        if not hasattr(data, "read"):
            raise TypeError(f"put needs bytes, a path or a binary file, not {type(data).__name__}")
        self._file = data
        self.restartable = False
        self._origin = 0
        try:
            if data.seekable():
                self._origin = data.tell()
                self.restartable = True
        except (AttributeError, OSError, ValueError):
            pass
        if size is None and self.restartable:
            try:
                end = data.seek(0, io.SEEK_END)
                data.seek(self._origin)
                size = end - self._origin
            except (OSError, ValueError):
                size = None
        self.size = size
        self.started = False

    def rewind(self) -> bool:
        """Back to the beginning; False if that is impossible (a stream already read from)."""
        if self._view is not None:
            self._at = 0
            return True
        if not self.started:
            return True
        if self.restartable:
            self._file.seek(self._origin)
            return True
        return False

    def read(self, n: int) -> bytes:
        if self._view is not None:
            part = self._view[self._at:self._at + n]
            self._at += len(part)
            return part.tobytes()
        self.started = True
        data = self._file.read(n)
        return bytes(data) if data is not None and not isinstance(data, bytes) else (data or b"")

    def close(self):
        if self._owned is not None:
            self._owned.close()


def _object_info(i) -> ObjectInfo:
    return ObjectInfo(id=i.id, length=i.length, crc32c=i.crc32c, tombstone=bool(i.tombstone),
                      written_at_millis=i.writtenAtMillis)


def _file_info(inode, path: str) -> FileInfo:
    return FileInfo(path=path, name=inode.name, is_dir=inode.type == _DIRECTORY, id=inode.id, parent=inode.parent,
                    created_at=inode.createdAt, modified_at=inode.modifiedAt, version=inode.version,
                    object_id=inode.objectId, length=inode.length or 0, crc32c=inode.crc32c or 0)


def _volume_info(v) -> VolumeInfo:
    return VolumeInfo(name=v.name, directory_pair=v.directoryPair, created_at=v.createdAt)


def _request_id() -> str:
    """A change's request id: one per operation, sent again with every retry of it (any connection, any DDM), so
    that a change whose reply was lost is answered by the DDM instead of applied a second time."""
    return str(uuid.uuid4())


def _join(volume: str, directory: str, name: str) -> str:
    return f"{volume}:{directory.rstrip('/')}/{name}"


class Dyad:
    """A client of a Dyad cluster.

    ``gateways``: object gateway (DOSM) addresses "HOST:PORT" (a list or a comma-separated string; default
    ``$DYAD_GATEWAYS``); the client learns the other live gateways from them. ``ddms``: directory gateways (DDMs) for
    the file API (default ``$DYAD_DDM``, plus those the gateways list). ``secret_file``: the cluster secret, from
    which object operations sign short-lived operator credentials (default ``$DYAD_SECRET_FILE``; none: credential
    ""); or pass ``credential`` (a string, or a callable returning one). TLS: ``tls=TlsConfig(ca, cert, key)``, or
    ``tls_ca``/``tls_cert``/``tls_key`` (default ``$DYAD_TLS_CA``/``$DYAD_TLS_CERT``/``$DYAD_TLS_KEY``; TLS when a CA
    is given).

    ``chunk_bytes`` (default 1 MiB, as the Java client; at most the gateways' maxChunkBytes), ``read_ahead``
    (chunks a reader asks for ahead, default 4), ``attempts`` (gateways an operation tries, default 3),
    ``direct_reads`` (read object bytes from the storage node a gateway names, default True), ``timeout`` (seconds
    to wait for a reply, default 60).

    Not thread-safe: use one Dyad per thread (a reader uses worker threads of its own internally). Close it (or use
    it as a context manager) to close its connections.
    """

    def __init__(self, gateways: Optional[Union[str, Sequence[str]]] = None,
                 ddms: Optional[Union[str, Sequence[str]]] = None, *,
                 secret_file: Optional[str] = None, credential: Optional[Union[str, Callable[[], str]]] = None,
                 tls: Optional[TlsConfig] = None, tls_ca: Optional[str] = None, tls_cert: Optional[str] = None,
                 tls_key: Optional[str] = None, chunk_bytes: int = 1 << 20, read_ahead: int = 4, attempts: int = 3,
                 direct_reads: bool = True, timeout: float = 60.0, connect_timeout: float = 5.0,
                 max_connections_per_gateway: int = 8, use_env: bool = True):
        env = os.environ if use_env else {}
        seeds = _split_list(gateways if gateways is not None else env.get("DYAD_GATEWAYS"))
        ddm_seeds = _split_list(ddms if ddms is not None else env.get("DYAD_DDM"))
        if not seeds and not ddm_seeds:
            raise errors.InvalidArgument("no gateway to use: pass gateways=[...] or set DYAD_GATEWAYS")
        for a in seeds + ddm_seeds:
            split_address(a)
        if credential is not None:
            self._credential = credential if callable(credential) else (lambda c=credential: c)
        else:
            secret = secret_file if secret_file is not None else env.get("DYAD_SECRET_FILE")
            self._credential = OperatorCredential.from_file(secret) if secret else (lambda: "")
        if tls is None:
            ca = tls_ca if tls_ca is not None else env.get("DYAD_TLS_CA")
            if ca:
                tls = TlsConfig(ca, tls_cert if tls_cert is not None else env.get("DYAD_TLS_CERT"),
                                tls_key if tls_key is not None else env.get("DYAD_TLS_KEY"))
        try:
            self._pool = Pool(tls, connect_timeout=connect_timeout, timeout=timeout,
                              max_per_address=max(max_connections_per_gateway, read_ahead + 1))
        except (OSError, ValueError) as e:
            raise errors.InvalidArgument(f"cannot load the TLS files: {e}") from None
        self._dosms = _Gateways(seeds)
        self._ddms = _Gateways(ddm_seeds)
        self._chunk = max(4096, chunk_bytes)
        self._read_ahead = max(0, read_ahead)
        self._attempts = max(1, attempts)
        self._direct_reads = direct_reads
        self._max_chunk: Optional[int] = None
        self._refreshed = 0.0
        self._unreachable_nodes: Dict[str, float] = {}
        self._executor: Optional[concurrent.futures.ThreadPoolExecutor] = None
        self._closed = False

    @classmethod
    def from_env(cls, **kwargs) -> "Dyad":
        """A client configured by DYAD_GATEWAYS, DYAD_DDM, DYAD_SECRET_FILE, DYAD_TLS_CA, DYAD_TLS_CERT and
        DYAD_TLS_KEY (keyword arguments override them)."""
        return cls(**kwargs)

    # ---- lifecycle ----

    def close(self):
        """Closes every connection (and the reader threads). Readers still open stop working."""
        if self._closed:
            return
        self._closed = True
        if self._executor is not None:
            self._executor.shutdown(wait=False, cancel_futures=True)
        self._pool.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def _executor_factory(self):
        if self._executor is None:
            self._executor = concurrent.futures.ThreadPoolExecutor(max_workers=max(self._read_ahead, 1) * 2,
                                                                   thread_name_prefix="dyad-read")
        return self._executor

    # ---- gateways ----

    def _with(self, kind: str, what: str, fn, attempts: Optional[int] = None):
        """fn(connection) on a gateway of kind "dosm" or "ddm"; on Unavailable or a failed connection, on the next."""
        gateways, client_class = (self._dosms, ObjectGateway.Client) if kind == "dosm" else \
            (self._ddms, FileSystem.Client)
        if kind == "dosm":
            self._refresh_if_due()
        plan = gateways.plan(attempts or max(self._attempts, len(gateways.known)))
        if not plan:
            raise errors.InvalidArgument(f"no {'object' if kind == 'dosm' else 'directory'} gateway to use for "
                                         f"{what}: set DYAD_GATEWAYS / DYAD_DDM")
        last = None
        for g in plan:
            try:
                return self._pool.call(client_class, g, fn)
            except errors.Unavailable as e:
                last = e
                gateways.suspect(g)
                LOG.info("%s through %s failed (%s); trying another gateway", what, g, e)
        raise errors.Unavailable(f"{what} failed on every gateway tried: {last}")

    def _refresh_if_due(self, force: bool = False):
        if not force and self._max_chunk is not None and time.monotonic() - self._refreshed < 30:
            return
        self._refreshed = time.monotonic()
        last = None
        seeds = list(dict.fromkeys(self._dosms.known + self._dosms.seeds))
        for g in seeds:
            try:
                gl = self._pool.call(ObjectGateway.Client, g, lambda c: c.call(lambda t: t.listGateways()))
            except errors.DyadError as e:
                last = e
                self._dosms.suspect(g)
                continue
            self._dosms.learn(list(gl.objectGateways), g)
            self._ddms.learn(list(dict.fromkeys(self._ddms.seeds + list(gl.directoryGateways))))
            self._max_chunk = gl.maxChunkBytes
            return
        if self._max_chunk is None:
            if not seeds:
                self._max_chunk = self._chunk
                return
            raise errors.Unavailable(f"no gateway of {seeds} answered: {last}")

    def gateways(self) -> GatewayInfo:
        """The live gateways and the chunk limit, as a gateway lists them."""
        gl = self._with("dosm", "listGateways", lambda c: c.call(lambda t: t.listGateways()))
        self._dosms.learn(list(gl.objectGateways))
        return GatewayInfo(object_gateways=list(gl.objectGateways), directory_gateways=list(gl.directoryGateways),
                           max_chunk_bytes=gl.maxChunkBytes, cluster_name=gl.clusterName, version=gl.version)

    @property
    def chunk_bytes(self) -> int:
        """The chunk size puts and gets use: chunk_bytes, at most the gateways' maxChunkBytes."""
        self._refresh_if_due()
        return min(self._chunk, self._max_chunk or self._chunk)

    # ---- objects ----

    def put_object(self, data: Source, size: Optional[int] = None, *, id: Optional[str] = None,
                   progress: Optional[Progress] = None, credential: Optional[str] = None) -> ObjectInfo:
        """Stores bytes, a binary file object or the file at a path as a new object and returns its record.

        The id is a random UUID unless given. An object that fits in one chunk goes in one putObject call; a bigger
        one is streamed chunk by chunk (beginPut, putChunk..., commitPut) in bounded memory. If the gateway fails,
        the put starts again on another under the same id (a file must be seekable for that, once streaming has
        begun). ``progress(bytes_sent, gateway)`` is called after each chunk. ``credential``: a write locator to
        present instead of the operator credential.
        """
        source = _Source(data, size)
        try:
            return self._put(source, id or str(uuid.uuid4()), progress, credential)
        finally:
            source.close()

    def _cred(self, given: Optional[str]) -> str:
        return given if given is not None else self._credential()

    def _put(self, source: _Source, oid: str, progress, credential) -> ObjectInfo:
        chunk = self.chunk_bytes
        if source.size is not None and source.size <= chunk:
            data = source.read(chunk + 1)
            if len(data) <= chunk:
                crc = _crc.signed(_crc.update(data))

                def whole(c):
                    info = c.call(lambda t: t.putObject(oid, data, crc, self._cred(credential)))
                    if progress:
                        progress(len(data), c.address)
                    return info
                return _object_info(self._with("dosm", f"put of {oid}", whole))
            if not source.rewind():
                raise errors.InvalidArgument("the source is longer than its size said and cannot be read again")
        expected: Dict[str, int] = {}

        def stream(c):
            if not source.rewind():
                raise errors.Unavailable(f"put of {oid} failed midway and its source cannot be read again")
            return self._stream(c, oid, source, chunk, progress, credential, expected)

        try:
            return _object_info(self._with("dosm", f"put of {oid}", stream))
        except errors.AlreadyExists:
            # a put whose answer was lost may have been stored: take it if it holds exactly what was sent
            if "crc" in expected:
                try:
                    info = self.stat_object(oid, credential=credential)
                except errors.DyadError:
                    info = None
                if info and info.length == expected["length"] and info.crc32c == expected["crc"]:
                    return info
            raise

    def _stream(self, c, oid, source: _Source, chunk, progress, credential, expected) -> object:
        hint = source.size if source.size is not None else -1
        session = c.call(lambda t: t.beginPut(hint, oid, self._cred(credential)))
        chunk = min(chunk, session.maxChunkBytes)
        put_id = session.putId
        crc = 0
        offset = 0

        def body(t):
            nonlocal crc, offset
            buf = source.read(chunk)
            while buf:
                # send the chunk, then read and checksum the next while the gateway stores this one
                t.send_putChunk(put_id, offset, buf)
                crc = _crc.update(buf, crc)
                offset += len(buf)
                nxt = source.read(chunk)
                t.recv_putChunk()
                if progress:
                    progress(offset, c.address)
                buf = nxt
            expected["length"], expected["crc"] = offset, _crc.signed(crc)
            return t.commitPut(put_id, offset, _crc.signed(crc))

        try:
            return c.call(body)
        except errors.DyadError as e:
            if not isinstance(e, ConnectionFailed) and not c.broken:
                try:
                    c.call(lambda t: t.abortPut(put_id))
                except errors.DyadError:
                    pass
            raise

    def get_object(self, id: str, offset: int = 0, length: Optional[int] = None, *,
                   progress: Optional[Progress] = None, credential: Optional[str] = None) -> ObjectReader:
        """A file-like reader of an object (or of ``length`` bytes from ``offset``). A full read is checked against
        the object's CRC32C. Bytes come from the storage node the gateway names when it can be reached, else through
        the gateways; a failed gateway is left for another, and the read resumes where it stopped.
        ``progress(bytes_read, server)`` is called for each chunk received."""
        cred = self._cred(credential)
        plan = self._with("dosm", f"open of {id}", lambda c: c.call(lambda t: t.openRead(id, cred)))
        info = _object_info(plan.info)
        return self._reader(id, info, plan.nodeAddress, cred, offset, length, progress, name=f"object {id}",
                            credential=credential)

    def _reader(self, oid, info, node, cred, offset, length, progress, name, credential, expected_crc=None):
        if offset < 0 or (length is not None and length < 0):
            raise errors.InvalidArgument(f"bad range: offset {offset}, length {length}")
        start = min(offset, info.length)
        end = info.length if length is None else min(info.length, offset + length)
        state = {"direct": node if (self._direct_reads and node and self._node_ok(node)) else None}
        plan = self._dosms.plan(max(self._attempts, len(self._dosms.known)))

        def fetch(at: int, n: int):
            credential_now = self._cred(credential)
            direct = state["direct"]
            if direct:
                try:
                    return self._pool.call(StorageNode.Client, direct, lambda c: c.call(
                        lambda t: t.readDirect(oid, at, n, credential_now))), direct
                except errors.DyadError as e:
                    state["direct"] = None
                    if isinstance(e, errors.Unavailable):
                        self._unreachable_nodes[direct] = time.monotonic() + 30
                        self._pool.forget(StorageNode.Client, direct)
                    LOG.info("direct read of %s from %s failed at %d (%s); reading through the gateways", oid, direct,
                             at, e)
            return self._gateway_get(oid, at, n, credential_now, plan)

        return ObjectReader(name=name, info=info, fetch=fetch, start=start, end=end, chunk=self.chunk_bytes,
                            window=self._read_ahead, executor_factory=self._executor_factory,
                            expected_crc=info.crc32c if expected_crc is None else expected_crc, progress=progress)

    def _node_ok(self, node: str) -> bool:
        until = self._unreachable_nodes.get(node)
        return until is None or until < time.monotonic()

    def _gateway_get(self, oid, at, n, cred, plan: List[str]):
        """One range through the gateways: the same one for a whole read while it works, the next when it fails."""
        order = list(dict.fromkeys(plan))
        order = [g for g in order if not self._dosms.is_suspect(g)] + [g for g in order if self._dosms.is_suspect(g)]
        last = None
        for i in range(max(self._attempts, len(order))):
            g = order[i % len(order)]
            try:
                return self._pool.call(ObjectGateway.Client, g, lambda c: c.call(
                    lambda t: t.get(oid, at, n, cred))), g
            except errors.Unavailable as e:
                last = e
                self._dosms.suspect(g)
                LOG.info("get of %s through %s failed at %d (%s); resuming on another gateway", oid, g, at, e)
        raise errors.Unavailable(f"get of {oid} failed on every gateway tried: {last}")

    def read_object(self, id: str) -> bytes:
        """The whole content of an object (checked against its CRC32C)."""
        with self.get_object(id) as r:
            return r.read()

    def stat_object(self, id: str, *, credential: Optional[str] = None) -> ObjectInfo:
        """An object's record (NotFound if it does not exist or was deleted)."""
        cred = self._cred(credential)
        return _object_info(self._with("dosm", f"stat of {id}", lambda c: c.call(lambda t: t.stat(id, cred))))

    def delete_object(self, id: str, *, credential: Optional[str] = None) -> ObjectInfo:
        """Deletes an object (a tombstone on both members). Idempotent; returns the tombstone's record."""
        cred = self._cred(credential)
        return _object_info(self._with("dosm", f"delete of {id}", lambda c: c.call(
            lambda t: t.deleteObject(id, cred))))

    def locate(self, id: str) -> Locations:
        """Every member known to hold the object or a tombstone for it."""
        cred = self._cred(None)
        loc = self._with("dosm", f"locate of {id}", lambda c: c.call(lambda t: t.locate(id, cred)))
        return Locations(id=loc.id, pair_id=loc.pairId, locations=[
            Location(member_id=l.memberId, address=l.address, center=l.center, state=_STATES.get(l.state, str(l.state)),
                     how=l.how) for l in loc.locations])

    # ---- volumes ----

    def _ddm(self, what: str, fn):
        if not self._ddms.known:
            try:
                self._refresh_if_due()
            except errors.DyadError:
                pass
        return self._with("ddm", what, lambda c: c.call(fn))

    def create_volume(self, name: str) -> VolumeInfo:
        """Creates a volume (AlreadyExists if there is one of that name)."""
        rid = _request_id()
        return _volume_info(self._ddm(f"create of volume {name}", lambda t: t.createVolume(name, rid)))

    def volumes(self) -> List[VolumeInfo]:
        """Every volume."""
        return [_volume_info(v) for v in self._ddm("list of volumes", lambda t: t.listVolumes())]

    def delete_volume(self, name: str) -> None:
        """Deletes a volume whose root is empty (NotEmpty otherwise).

        The volume's record goes with it, so a retry after a try whose reply was lost cannot be answered by its
        request id: NotFound then means that try deleted it, and is taken as done."""
        rid = _request_id()
        tries = []

        def delete(t):
            tries.append(1)
            t.deleteVolume(name, rid)

        try:
            self._ddm(f"delete of volume {name}", delete)
        except errors.NotFound:
            if len(tries) < 2:  # only a try that lost its connection is tried again: an earlier one may have done it
                raise

    # ---- files and directories: paths are "volume:/a/b" ----

    def mkdir(self, path: str, parents: bool = False) -> FileInfo:
        """Makes a directory; with parents, every missing ancestor too (and an existing directory is fine)."""
        vol, p = split_path(path)
        rid = _request_id()
        return _file_info(self._ddm(f"mkdir {path}", lambda t: t.mkdir(vol, p, parents, rid)), path)

    def stat(self, path: str) -> FileInfo:
        """A file's or directory's entry."""
        vol, p = split_path(path)
        return _file_info(self._ddm(f"stat {path}", lambda t: t.stat(vol, p)), path)

    def exists(self, path: str) -> bool:
        try:
            self.stat(path)
            return True
        except errors.NotFound:
            return False

    def ls(self, path: str, page_size: int = 1000) -> Iterator[FileInfo]:
        """The entries of a directory in name order, fetched a page (page_size entries, one listDirectory call) at a
        time as the iterator advances. Errors (NotFound, NotADirectory) are raised by the first next()."""
        for page in self.ls_pages(path, page_size):
            yield from page

    def ls_pages(self, path: str, page_size: int = 1000) -> Iterator[List[FileInfo]]:
        """The entries of a directory page by page: each item is the list one listDirectory call returned."""
        vol, p = split_path(path)
        after = ""
        while True:
            page = self._ddm(f"ls {path}", lambda t, a=after: t.listDirectory(vol, p, a, page_size))
            yield [_file_info(inode, _join(vol, p, inode.name)) for inode in page.entries]
            if page.nextAfter is None or not page.entries:
                return
            after = page.nextAfter

    def listdir(self, path: str) -> List[str]:
        """The names in a directory."""
        return [e.name for e in self.ls(path)]

    def mv(self, source: str, target: str) -> FileInfo:
        """Moves a file or directory within its volume (target: "volume:/path" of the same volume, or "/path")."""
        vol, src = split_path(source)
        if target.startswith("/"):
            tvol, dst = vol, target
        else:
            tvol, dst = split_path(target)
        if tvol != vol:
            raise errors.InvalidArgument(f"cannot move {source} to another volume ({target})")
        rid = _request_id()
        return _file_info(self._ddm(f"mv {source} {target}", lambda t: t.rename(vol, src, dst, rid)), f"{vol}:{dst}")

    def rm(self, path: str, recursive: bool = False) -> None:
        """Removes a file, an empty directory, or (recursive) a directory and everything under it."""
        vol, p = split_path(path)
        rid = _request_id()
        self._ddm(f"rm {path}", lambda t: t.remove(vol, p, recursive, rid))

    def put_file(self, source: Source, path: str, *, size: Optional[int] = None,
                 progress: Optional[Progress] = None) -> FileInfo:
        """Writes a local file (a path, a binary file object or bytes) as the file at path ("volume:/a/b"; a new file
        or a new version): DDM create, the bytes through a DOSM under the upload's object id and write locator, DDM
        commit with length and CRC32C. An empty file needs no object."""
        vol, p = split_path(path)
        src = _Source(source, size)
        try:
            create_id = _request_id()
            upload = self._ddm(f"create {path}", lambda t: t.create(vol, p, create_id))
            if src.size == 0:
                length, crc = 0, 0
            else:
                info = self._put(src, upload.objectId, progress, upload.writeLocator)
                length, crc = info.length, info.crc32c
        finally:
            src.close()
        commit_id = _request_id()
        inode = self._ddm(f"commit {path}",
                          lambda t: t.commit(vol, p, upload.uploadId, upload.objectId, length, crc, commit_id))
        return _file_info(inode, path)

    def open(self, path: str, offset: int = 0, length: Optional[int] = None, *,
             progress: Optional[Progress] = None) -> ObjectReader:
        """A file-like reader of the file at path (or of length bytes from offset), with the read locator the DDM
        gives (valid 15 minutes). A full read is checked against the file's CRC32C."""
        vol, p = split_path(path)
        of = self._ddm(f"open {path}", lambda t: t.open(vol, p))
        f = _file_info(of.file, path)
        if f.length == 0:
            empty = ObjectInfo(id=f.object_id or "", length=0, crc32c=0)
            r = ObjectReader(name=path, info=empty, fetch=lambda a, n: (b"", ""), start=0, end=0, chunk=1,
                             window=0, executor_factory=self._executor_factory, expected_crc=0)
            r.file = f
            return r
        locator = of.readLocator
        plan = self._with("dosm", f"open of {path}", lambda c: c.call(lambda t: t.openRead(f.object_id, locator)))
        info = _object_info(plan.info)
        if info.length != f.length or info.crc32c != f.crc32c:
            raise errors.ChecksumMismatch(
                f"file {path} is recorded as {f.length} bytes with CRC32C {f.crc32c & 0xFFFFFFFF:08x} but its object "
                f"holds {info.length} bytes with CRC32C {info.crc32c_hex}")
        r = self._reader(f.object_id, info, plan.nodeAddress, locator, offset, length, progress, name=path,
                         credential=locator, expected_crc=f.crc32c)
        r.file = f
        return r

    def read_file(self, path: str) -> bytes:
        """The whole content of a file (checked against its CRC32C)."""
        with self.open(path) as r:
            return r.read()

    def get_file(self, path: str, destination: Union[str, os.PathLike, BinaryIO], *,
                 progress: Optional[Progress] = None) -> FileInfo:
        """Copies the file at path to a local path (written whole, then renamed into place) or a binary file."""
        with self.open(path, progress=progress) as r:
            if hasattr(destination, "write"):
                for part in r.chunks():
                    destination.write(part)
                return r.file
            dest = os.fspath(destination)
            tmp = f"{dest}.dyad-partial"
            try:
                with open(tmp, "wb") as out:
                    for part in r.chunks():
                        out.write(part)
                os.replace(tmp, dest)
            except BaseException:
                try:
                    os.unlink(tmp)
                except OSError:
                    pass
                raise
            return r.file
