"""Operator credentials: short-lived ADMIN locators signed with the cluster secret.

A locator is ``dyad1.<payload>.<mac>``: payload = ``"ADMIN\\n" + expires_at_millis + "\\n*"`` (every operation on
every object), mac = HMAC-SHA256 of the payload under the cluster secret, both base64url without padding. The secret
file holds the key as 64 hex digits on its first non-empty line.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import threading
import time

from . import errors

LIFETIME_SECONDS = 600
RENEW_BEFORE_SECONDS = 120


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def read_secret(path: str) -> bytes:
    """The 32-byte key of a cluster secret file."""
    try:
        with open(path, "r", encoding="utf-8") as f:
            lines = [line.strip() for line in f if line.strip()]
    except OSError as e:
        raise errors.InvalidArgument(f"cannot read the secret file {path}: {e.strerror or e}") from None
    try:
        key = bytes.fromhex(lines[0]) if lines else b""
    except ValueError:
        key = b""
    if len(key) != 32:
        raise errors.InvalidArgument(f"the secret file {path} does not start with 64 hex digits")
    return key


def sign_admin(key: bytes, expires_at_millis: int) -> str:
    """An ADMIN credential valid until expires_at_millis."""
    payload = f"ADMIN\n{expires_at_millis}\n*".encode("utf-8")
    mac = hmac.new(key, payload, hashlib.sha256).digest()
    return f"dyad1.{_b64(payload)}.{_b64(mac)}"


class OperatorCredential:
    """Signs ADMIN credentials from a key, each valid 10 minutes, a new one when the last has under 2 left."""

    def __init__(self, key: bytes):
        self._key = key
        self._token = ""
        self._expires = 0.0
        self._lock = threading.Lock()

    @classmethod
    def from_file(cls, path: str) -> "OperatorCredential":
        return cls(read_secret(path))

    def __call__(self) -> str:
        with self._lock:
            now = time.time()
            if now > self._expires - RENEW_BEFORE_SECONDS:
                self._expires = now + LIFETIME_SECONDS
                self._token = sign_admin(self._key, int(self._expires * 1000))
            return self._token
