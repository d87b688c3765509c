#!/usr/bin/env python3
"""Copies a file into Dyad and out again.

    copy.py put LOCAL VOLUME:/PATH    writes LOCAL as the file PATH of VOLUME (creating the volume and the parent
                                      directories if they are missing)
    copy.py get VOLUME:/PATH LOCAL    writes the file PATH of VOLUME to LOCAL ("-" for standard output)

The cluster comes from the environment, as for the dyad CLI: DYAD_GATEWAYS (object gateways, HOST:PORT,...),
DYAD_DDM (directory gateways), DYAD_SECRET_FILE (the cluster secret), DYAD_TLS_CA, DYAD_TLS_CERT, DYAD_TLS_KEY.
Exit status: 0 done, 1 an error (one line on standard error), 2 bad usage.
"""

import os
import sys

# This file is named copy.py, like the standard library's copy module that dataclasses imports: take this
# script's directory off the module path so that "import copy" finds the standard one.
_here = os.path.dirname(os.path.abspath(__file__))
sys.path[:] = [p for p in sys.path if os.path.abspath(p or ".") != _here]

import time  # noqa: E402

import dyad  # noqa: E402

USAGE = "usage: copy.py put LOCAL VOLUME:/PATH | copy.py get VOLUME:/PATH LOCAL"


def put(client: dyad.Dyad, local: str, remote: str) -> str:
    volume, path = dyad.split_path(remote)
    if not os.path.isfile(local):
        raise dyad.InvalidArgument(f"{local} is not a readable file")
    try:
        client.create_volume(volume)
    except dyad.AlreadyExists:
        pass
    parent = path.rsplit("/", 1)[0]
    if parent:
        client.mkdir(f"{volume}:{parent}", parents=True)
    f = client.put_file(local, remote)
    return f"{local} -> {remote}: {f.length} bytes, CRC32C {f.crc32c & 0xFFFFFFFF:08x}"


def get(client: dyad.Dyad, remote: str, local: str) -> str:
    if local == "-":
        f = client.get_file(remote, sys.stdout.buffer)
        sys.stdout.buffer.flush()
    else:
        f = client.get_file(remote, local)
    return f"{remote} -> {local}: {f.length} bytes, CRC32C {f.crc32c & 0xFFFFFFFF:08x}"


def main(argv) -> int:
    if len(argv) != 3 or argv[0] not in ("put", "get"):
        print(USAGE, file=sys.stderr)
        return 2
    op, src, dst = argv
    remote = dst if op == "put" else src
    if ":" not in remote or remote.startswith("/"):
        print(f"copy.py: {remote!r} is not VOLUME:/PATH\n{USAGE}", file=sys.stderr)
        return 2
    if not os.environ.get("DYAD_GATEWAYS"):
        print("copy.py: set DYAD_GATEWAYS (and DYAD_DDM) to the cluster's gateways", file=sys.stderr)
        return 2
    started = time.monotonic()
    try:
        with dyad.Dyad.from_env() as client:
            line = put(client, src, dst) if op == "put" else get(client, src, dst)
    except dyad.DyadError as e:
        print(f"copy.py: {op} failed: {type(e).__name__}: {e}", file=sys.stderr)
        return 1
    except OSError as e:
        print(f"copy.py: {op} failed: {e.strerror or e}: {e.filename or ''}".rstrip(": "), file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("copy.py: interrupted", file=sys.stderr)
        return 1
    print(f"{line} in {time.monotonic() - started:.2f} s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
