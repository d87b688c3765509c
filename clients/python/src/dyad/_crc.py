"""CRC32C (Castagnoli) through crcmod's C extension."""

from __future__ import annotations

import sys

import crcmod.predefined

_crc = crcmod.predefined.mkCrcFun("crc-32c")


def native() -> bool:
    """Whether crcmod computes in C (its extension crcmod._crcfunext loaded) rather than in Python."""
    mod = sys.modules.get("crcmod.crcmod")
    return bool(getattr(mod, "_usingExtension", False))


def update(data, crc: int = 0) -> int:
    """The CRC32C (unsigned) of data following the bytes whose CRC32C is crc (0 to start)."""
    return _crc(data, crc)


def signed(crc: int) -> int:
    """An unsigned 32-bit CRC as the signed i32 the wire carries."""
    crc &= 0xFFFFFFFF
    return crc - 0x100000000 if crc & 0x80000000 else crc
