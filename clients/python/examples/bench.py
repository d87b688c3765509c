#!/usr/bin/env python3
"""Measures put and get throughput of a big file (default 256 MiB) with the object API and the file API.

    bench.py [--mib 256] [--file LOCAL] [--api object,file] [--no-direct] [--repeat 1]

Puts stream the local file chunk by chunk; gets read every chunk (CRC32C checked end to end) and drop the bytes.
"Direct" gets read from the storage node the gateway names; --no-direct reads through the gateways only.
The cluster comes from DYAD_GATEWAYS, DYAD_DDM, DYAD_SECRET_FILE, DYAD_TLS_CA, DYAD_TLS_CERT, DYAD_TLS_KEY.
"""

import os
import sys

# examples/copy.py would shadow the standard library's copy module: take this directory off the module path
_here = os.path.dirname(os.path.abspath(__file__))
sys.path[:] = [p for p in sys.path if os.path.abspath(p or ".") != _here]

import argparse  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
import uuid  # noqa: E402

import dyad  # noqa: E402


def mbps(n, seconds):
    return n / seconds / 1e6


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--mib", type=int, default=256)
    ap.add_argument("--file", help="the local file to put (default: a new file of random bytes)")
    ap.add_argument("--api", default="object,file")
    ap.add_argument("--no-direct", action="store_true", help="gets through the gateways, not from the nodes")
    ap.add_argument("--repeat", type=int, default=1)
    ap.add_argument("--chunk-kib", type=int, default=1024)
    ap.add_argument("--read-ahead", type=int, default=4)
    args = ap.parse_args()

    made = None
    if args.file:
        path = args.file
    else:
        fd, made = tempfile.mkstemp(prefix="dyad-bench-", suffix=".bin")
        with os.fdopen(fd, "wb") as f:
            block = os.urandom(1 << 20)
            for i in range(args.mib):
                f.write(block[i % 7:] + block[:i % 7])  # distinct megabytes, cheaply
        path = made
    size = os.path.getsize(path)
    apis = [a.strip() for a in args.api.split(",") if a.strip()]
    try:
        with dyad.Dyad.from_env(direct_reads=not args.no_direct, chunk_bytes=args.chunk_kib * 1024,
                                read_ahead=args.read_ahead) as c:
            print(f"{size / (1 << 20):.0f} MiB, chunks of {c.chunk_bytes // 1024} KiB, "
                  f"gets {'through the gateways' if args.no_direct else 'direct from the nodes when possible'}")
            volume = None
            for _ in range(args.repeat):
                if "object" in apis:
                    t = time.perf_counter()
                    info = c.put_object(path)
                    put_s = time.perf_counter() - t
                    t = time.perf_counter()
                    n = 0
                    with c.get_object(info.id) as r:
                        for part in r.chunks():
                            n += len(part)
                    get_s = time.perf_counter() - t
                    assert n == size
                    print(f"object put {mbps(size, put_s):7.1f} MB/s   get {mbps(size, get_s):7.1f} MB/s")
                    c.delete_object(info.id)
                if "file" in apis:
                    if volume is None:
                        volume = f"bench-{uuid.uuid4().hex[:8]}"
                        c.create_volume(volume)
                    t = time.perf_counter()
                    c.put_file(path, f"{volume}:/big.bin")
                    put_s = time.perf_counter() - t
                    t = time.perf_counter()
                    n = 0
                    with c.open(f"{volume}:/big.bin") as r:
                        for part in r.chunks():
                            n += len(part)
                    get_s = time.perf_counter() - t
                    assert n == size
                    print(f"file   put {mbps(size, put_s):7.1f} MB/s   get {mbps(size, get_s):7.1f} MB/s")
            if volume is not None:
                c.rm(f"{volume}:/big.bin")
                c.delete_volume(volume)
    except dyad.DyadError as e:
        print(f"bench.py: {type(e).__name__}: {e}", file=sys.stderr)
        return 1
    finally:
        if made:
            os.unlink(made)
    return 0


if __name__ == "__main__":
    sys.exit(main())
