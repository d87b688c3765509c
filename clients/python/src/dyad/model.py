"""The records the client returns (plain dataclasses: no Thrift types reach callers)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import List, Optional

__all__ = ["ObjectInfo", "FileInfo", "VolumeInfo", "Location", "Locations", "GatewayInfo"]


@dataclass(frozen=True)
class ObjectInfo:
    """An object's record: id, length in bytes, CRC32C (signed 32-bit, as on the wire), tombstone flag, write time."""
    id: str
    length: int
    crc32c: int
    tombstone: bool = False
    written_at_millis: int = 0

    @property
    def crc32c_hex(self) -> str:
        return f"{self.crc32c & 0xFFFFFFFF:08x}"


@dataclass(frozen=True)
class FileInfo:
    """A file or directory: ``path`` ("volume:/a/b" where known), ``name``, ``is_dir``, inode ``id``, times in ms,
    ``version``, and for a file its ``object_id``, ``length`` and ``crc32c``."""
    path: str
    name: str
    is_dir: bool
    id: int
    parent: int
    created_at: int
    modified_at: int
    version: int
    object_id: Optional[str] = None
    length: int = 0
    crc32c: int = 0

    @property
    def is_file(self) -> bool:
        return not self.is_dir


@dataclass(frozen=True)
class VolumeInfo:
    name: str
    directory_pair: str
    created_at: int


@dataclass(frozen=True)
class Location:
    """One copy of an object: member, its address and center, state ("PRESENT", "DELETED", "ABSENT"), and how it was
    found ("placement" or "search")."""
    member_id: str
    address: str
    center: str
    state: str
    how: str


@dataclass(frozen=True)
class Locations:
    id: str
    pair_id: str
    locations: List[Location] = field(default_factory=list)


@dataclass(frozen=True)
class GatewayInfo:
    object_gateways: List[str]
    directory_gateways: List[str]
    max_chunk_bytes: int
    cluster_name: str
    version: str
