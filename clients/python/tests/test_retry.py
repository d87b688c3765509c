"""Changes whose reply is lost: the client sends them again under the same request id and gets the first answer."""

import os
import socket
import threading
import uuid

import pytest

import dyad
from dyad._net import split_address


class LoseReplyProxy:
    """A TCP proxy to one server that can lose a reply: it forwards bytes both ways and, when told to, lets a request
    through but swallows its reply and cuts the connection, as a network that fails after the server did the work.

    A request is the client's first bytes after a reply on the same connection, so only requests on a connection that
    already carried one (a pooled one) are counted; it reads no bytes, so TLS passes through. It listens on the
    server's own address (the certificate names it), on a free port."""

    def __init__(self, target: str):
        self._target = split_address(target)
        self._listener = socket.create_server((self._target[0], 0))
        self.address = f"{self._target[0]}:{self._listener.getsockname()[1]}"
        self._lock = threading.Lock()
        self._countdown = 0
        self._sockets = set()
        self.lost = 0
        self._closed = False
        threading.Thread(target=self._accept, daemon=True).start()

    def lose_reply_to(self, nth: int = 1):
        """Loses the reply to the nth request from now (1: the next) on a connection that carried one before."""
        with self._lock:
            self._countdown = nth

    def _accept(self):
        while not self._closed:
            try:
                client, _ = self._listener.accept()
                server = socket.create_connection(self._target, timeout=5)
                server.settimeout(None)
            except OSError:
                continue
            link = {"replied": False, "losing": False}
            with self._lock:
                self._sockets.update((client, server))
            threading.Thread(target=self._pump, args=(client, server, link, True), daemon=True).start()
            threading.Thread(target=self._pump, args=(server, client, link, False), daemon=True).start()

    def _pump(self, src, dst, link, requests):
        try:
            while True:
                data = src.recv(65536)
                if not data:
                    break
                with self._lock:
                    if requests:
                        if link["replied"]:
                            link["replied"] = False
                            if self._countdown > 0:
                                self._countdown -= 1
                                link["losing"] = self._countdown == 0
                    elif link["losing"]:
                        self.lost += 1
                        break
                    else:
                        link["replied"] = True
                dst.sendall(data)
        except OSError:
            pass
        finally:
            for s in (src, dst):
                self._close(s)

    def _close(self, s):
        with self._lock:
            self._sockets.discard(s)
        try:
            s.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        s.close()

    def close(self):
        self._closed = True
        self._listener.close()
        with self._lock:
            sockets = list(self._sockets)
        for s in sockets:
            self._close(s)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


@pytest.fixture
def lossy():
    """A client whose only DDM is behind a proxy that loses replies (TLS and credentials from the environment)."""
    with LoseReplyProxy(os.environ["DYAD_DDM"].split(",")[0].strip()) as proxy:
        with dyad.Dyad(gateways=[], ddms=[proxy.address]) as c:
            yield c, proxy


def test_a_change_whose_reply_is_lost_is_applied_once_and_answered_when_sent_again(client, volume, path, lossy):
    c, proxy = lossy
    c.stat(f"{volume}:/")  # the connection the next change goes on has carried a call (pooled, reused)

    proxy.lose_reply_to(1)
    made = c.mkdir(path)  # without parents: a second mkdir would be AlreadyExists
    assert proxy.lost == 1
    assert made.is_dir and client.stat(path).id == made.id

    f = client.put_file(b"abc", f"{path}/a")
    proxy.lose_reply_to(1)
    moved = c.mv(f"{path}/a", f"{path}/b")  # a second rename would be NotFound
    assert proxy.lost == 2
    assert moved.name == "b" and moved.id == f.id
    assert not client.exists(f"{path}/a")

    proxy.lose_reply_to(1)
    c.rm(f"{path}/b")  # a second remove would be NotFound
    assert proxy.lost == 3
    assert not client.exists(f"{path}/b")

    # an empty file goes through the DDM only: create, then commit
    proxy.lose_reply_to(1)  # the create's
    first = c.put_file(b"", f"{path}/e")
    proxy.lose_reply_to(2)  # the commit's (after the create's)
    second = c.put_file(b"", f"{path}/e")
    assert proxy.lost == 5
    assert second.version == first.version + 1, "one new version"

    name = f"pytest-lost-{uuid.uuid4().hex[:8]}"
    proxy.lose_reply_to(1)
    v = c.create_volume(name)  # a second create would be AlreadyExists
    assert proxy.lost == 6
    assert v.name == name and client.stat(f"{name}:/").is_dir
    proxy.lose_reply_to(1)
    c.delete_volume(name)
    assert proxy.lost == 7
    with pytest.raises(dyad.NotFound):
        client.stat(f"{name}:/")
