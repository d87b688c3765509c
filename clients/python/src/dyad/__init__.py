"""Dyad client: objects and files of a Dyad cluster over Thrift.

    from dyad import Dyad
    with Dyad() as d:                      # DYAD_GATEWAYS, DYAD_DDM, DYAD_SECRET_FILE, DYAD_TLS_* from the environment
        d.create_volume("photos")
        d.put_file("cat.jpg", "photos:/cat.jpg")
        with d.open("photos:/cat.jpg") as f:
            data = f.read()
"""

from .client import Dyad, split_path
from ._net import TlsConfig
from .errors import (AccessDenied, AlreadyExists, ChecksumMismatch, DyadError, InternalError, InvalidArgument,
                     IsADirectory, NotADirectory, NotEmpty, NotFound, StaleEpoch, StorageFull, Unavailable)
from .reader import ObjectReader
from .model import FileInfo, GatewayInfo, Location, Locations, ObjectInfo, VolumeInfo

__version__ = "0.1.0"

__all__ = [
    "Dyad", "TlsConfig", "split_path", "ObjectReader", "ObjectInfo", "FileInfo", "VolumeInfo", "Location",
    "Locations", "GatewayInfo", "DyadError", "NotFound", "AlreadyExists", "ChecksumMismatch", "InvalidArgument",
    "StorageFull", "StaleEpoch", "Unavailable", "AccessDenied", "NotADirectory", "IsADirectory", "NotEmpty",
    "InternalError",
]
