"""ObjectReader: a read-only, seekable, buffered file over an object (or a range of one)."""

from __future__ import annotations

import collections
import io
from typing import Callable, Optional, Tuple

from . import _crc, errors

# fetch(offset, length) -> (bytes, address that served them)
Fetch = Callable[[int, int], Tuple[bytes, str]]


class ObjectReader(io.BufferedIOBase):
    """The bytes of an object from ``start`` to ``end`` (exclusive), read in chunks of ``chunk`` bytes with up to
    ``window`` chunks requested ahead of the one being consumed (on other connections, from a thread pool).

    Positions (``tell``/``seek``) are relative to the start of the range. When the whole object has been read in order
    from byte 0 (seeks that come back to where reading stopped do not spoil this), the CRC32C of what was received is
    checked against the object's record when the end is reached: a difference raises :class:`ChecksumMismatch`.
    Reads of a part only rely on the servers, which verify every 64 KiB block before sending it.

    Iterating yields lines, as for any binary file; :meth:`chunks` yields the content chunk by chunk.
    """

    def __init__(self, *, name: str, info, fetch: Fetch, start: int, end: int, chunk: int, window: int,
                 executor_factory, expected_crc: int, progress: Optional[Callable[[int, str], None]] = None):
        super().__init__()
        self.name = name
        self.info = info
        self.file = None  # the FileInfo, for a reader of a file
        self._fetch = fetch
        self._start = start
        self._end = max(start, end)
        self._chunk = max(1, chunk)
        self._window = max(0, window)
        self._executor_factory = executor_factory
        self._expected = expected_crc & 0xFFFFFFFF
        self._object_length = info.length
        self._progress = progress
        self._pos = start  # absolute offset of the next byte handed out
        self._buf = b""
        self._buf_at = start  # absolute offset of _buf[0]
        self._ahead = collections.deque()  # (offset, length, future)
        self._asked = start  # next offset to request ahead
        self._crc = 0
        self._crc_at = 0  # the CRC covers object bytes [0, _crc_at)
        self._verified = False
        self._delivered = 0

    # ---- io.BufferedIOBase ----

    def readable(self):
        return True

    def seekable(self):
        return True

    def writable(self):
        return False

    @property
    def length(self) -> int:
        """Bytes in the range this reader covers."""
        return self._end - self._start

    def tell(self) -> int:
        self._check_open()
        return self._pos - self._start

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        self._check_open()
        if whence == io.SEEK_SET:
            rel = offset
        elif whence == io.SEEK_CUR:
            rel = self._pos - self._start + offset
        elif whence == io.SEEK_END:
            rel = self._end - self._start + offset
        else:
            raise ValueError(f"invalid whence {whence}")
        if rel < 0:
            raise ValueError(f"negative seek position {rel}")
        self._pos = self._start + rel
        return rel

    def read(self, size: Optional[int] = -1) -> bytes:
        self._check_open()
        if size is None or size < 0:
            parts = []
            while True:
                part = self.read1(1 << 30)
                if not part:
                    return b"".join(parts)
                parts.append(part)
        parts = []
        want = size
        while want > 0:
            part = self.read1(want)
            if not part:
                break
            parts.append(part)
            want -= len(part)
        return parts[0] if len(parts) == 1 else b"".join(parts)

    def read1(self, size: int = -1) -> bytes:
        self._check_open()
        if not self._fill():
            return b""
        i = self._pos - self._buf_at
        n = len(self._buf) - i if size is None or size < 0 else min(size, len(self._buf) - i)
        data = self._buf[i:i + n] if (i or n != len(self._buf)) else self._buf
        self._pos += n
        return bytes(data)

    def readinto(self, b) -> int:
        self._check_open()
        view = memoryview(b).cast("B")
        done = 0
        while done < len(view):
            if not self._fill():
                break
            i = self._pos - self._buf_at
            n = min(len(view) - done, len(self._buf) - i)
            view[done:done + n] = memoryview(self._buf)[i:i + n]
            self._pos += n
            done += n
        return done

    def readinto1(self, b) -> int:
        return self.readinto(b)

    def peek(self, size: int = 0) -> bytes:
        self._check_open()
        if not self._fill():
            return b""
        i = self._pos - self._buf_at
        return bytes(self._buf[i:])

    def chunks(self):
        """Yields the rest of the range chunk by chunk (each as received)."""
        while True:
            part = self.read1()
            if not part:
                return
            yield part

    def readall(self) -> bytes:
        return self.read()

    def close(self):
        if not self.closed:
            self._cancel_ahead()
            self._buf = b""
        super().close()

    # ---- internals ----

    def _check_open(self):
        if self.closed:
            raise ValueError("I/O operation on a closed reader")

    def _fill(self) -> bool:
        """Makes _buf hold the byte at _pos; False at the end of the range."""
        if self._buf_at <= self._pos < self._buf_at + len(self._buf):
            return True
        if self._pos >= self._end:
            self._verify_if_complete()
            return False
        at = self._pos
        data = self._next_chunk(at)
        self._buf, self._buf_at = data, at
        if at == self._crc_at and data:
            self._crc = _crc.update(data, self._crc)
            self._crc_at = at + len(data)
        self._verify_if_complete()
        return True

    def _verify_if_complete(self):
        if not self._verified and self._crc_at == self._object_length and self._end == self._object_length:
            self._verified = True
            if self._crc != self._expected:
                raise errors.ChecksumMismatch(
                    f"{self.name}: the bytes received have CRC32C {self._crc:08x}, its record says "
                    f"{self._expected:08x}")

    def _next_chunk(self, at: int) -> bytes:
        if self._ahead and self._ahead[0][0] != at:
            self._cancel_ahead()  # a seek: start again from the new position
        if not self._ahead:
            self._asked = at
            if self._window == 0 or self._end - at <= self._chunk:
                # the last (or only) chunk, or no read-ahead: no hand-off to another thread
                n = min(self._chunk, self._end - at)
                self._asked = at + n
                return self._complete(at, n, self._fetch(at, n))
        executor = self._executor_factory()
        while len(self._ahead) < self._window and self._asked < self._end:
            off = self._asked
            n = min(self._chunk, self._end - off)
            self._ahead.append((off, n, executor.submit(self._fetch, off, n)))
            self._asked += n
        off, n, fut = self._ahead.popleft()
        try:
            result = fut.result()
        except BaseException:
            self._cancel_ahead()
            raise
        return self._complete(off, n, result)

    def _complete(self, offset: int, wanted: int, got: Tuple[bytes, str]) -> bytes:
        data, via = got
        if not data:
            raise errors.InternalError(f"{self.name}: {via} returned no bytes at offset {offset}")
        if len(data) < wanted:  # a short answer: the rest at once
            parts = [data]
            have = len(data)
            while have < wanted:
                more, via = self._fetch(offset + have, wanted - have)
                if not more:
                    raise errors.InternalError(f"{self.name}: {via} returned no bytes at offset {offset + have}")
                parts.append(more)
                have += len(more)
            data = b"".join(parts)
        elif len(data) > wanted:
            data = data[:wanted]
        self._delivered += len(data)
        if self._progress is not None:
            self._progress(self._delivered, via)
        return data

    def _cancel_ahead(self):
        for _, _, fut in self._ahead:
            fut.cancel()  # a fetch under way finishes on its own connection; its bytes are dropped
        self._ahead.clear()
