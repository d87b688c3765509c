"""The file API: volumes, directories, files by "volume:/path", typed errors, the copy example."""

import io
import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

import dyad
from dyad import _crc
from conftest import sha

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


def test_volumes(client, run_id):
    name = f"pytest-v-{run_id}"
    v = client.create_volume(name)
    try:
        assert v.name == name and v.directory_pair
        assert name in [x.name for x in client.volumes()]
        with pytest.raises(dyad.AlreadyExists) as e:
            client.create_volume(name)
        assert e.value.code == 2
        client.mkdir(f"{name}:/d")
        with pytest.raises(dyad.NotEmpty):
            client.delete_volume(name)
        client.rm(f"{name}:/d")
    finally:
        client.delete_volume(name)
    # the volume list may show a deleted volume for a moment (the gateways' view of ZooKeeper catches up)
    deadline = time.monotonic() + 10
    while name in [x.name for x in client.volumes()] and time.monotonic() < deadline:
        time.sleep(0.2)
    assert name not in [x.name for x in client.volumes()]
    with pytest.raises(dyad.NotFound):
        client.delete_volume(name)
    with pytest.raises(dyad.InvalidArgument):
        client.create_volume("bad/name")


def test_mkdir_stat_ls_pages(client, path):
    d = client.mkdir(f"{path}/a/b/c", parents=True)
    assert d.is_dir and d.name == "c" and d.path == f"{path}/a/b/c"
    assert client.mkdir(f"{path}/a/b", parents=True).is_dir  # existing is fine with parents
    with pytest.raises(dyad.AlreadyExists):
        client.mkdir(f"{path}/a/b")
    with pytest.raises(dyad.NotFound):
        client.mkdir(f"{path}/missing/x")
    names = [f"f{i}" for i in range(5)]
    for n in names:
        client.put_file(n.encode(), f"{path}/a/{n}")
    entries = list(client.ls(f"{path}/a", page_size=2))  # three pages
    assert [e.name for e in entries] == ["b"] + names
    assert entries[0].is_dir and all(e.is_file for e in entries[1:])
    assert entries[1].path == f"{path}/a/f0" and entries[1].length == 2
    pages = list(client.ls_pages(f"{path}/a", page_size=4))
    assert [[e.name for e in pg] for pg in pages] == [["b", "f0", "f1", "f2"], ["f3", "f4"]]
    assert client.listdir(f"{path}/a/b") == ["c"]
    st = client.stat(f"{path}/a/f3")
    assert st.is_file and st.length == 2 and st.object_id and st.crc32c == _crc.signed(_crc.update(b"f3"))
    with pytest.raises(dyad.NotFound):
        client.stat(f"{path}/a/nope")
    with pytest.raises(dyad.NotADirectory) as e:
        list(client.ls(f"{path}/a/f0"))
    assert e.value.code == 9
    assert client.exists(f"{path}/a") and not client.exists(f"{path}/zzz")


def test_put_open_small_and_new_version(client, path):
    client.mkdir(path)
    f = client.put_file(b"version one", f"{path}/v.txt")
    assert f.length == 11 and f.is_file and f.object_id
    assert client.read_file(f"{path}/v.txt") == b"version one"
    g = client.put_file(io.BytesIO(b"version two!"), f"{path}/v.txt")
    assert g.version > f.version and g.object_id != f.object_id
    with client.open(f"{path}/v.txt") as r:
        assert r.file.length == 12
        assert r.read() == b"version two!"


def test_empty_file(client, path):
    client.mkdir(path)
    f = client.put_file(b"", f"{path}/empty")
    assert f.length == 0 and f.crc32c == 0
    with client.open(f"{path}/empty") as r:
        assert r.read() == b""
    assert client.stat(f"{path}/empty").length == 0


def test_multi_chunk_file_ranges_and_get_file(client, path, max_chunk, tmp_path):
    data = os.urandom(10 * 1024 * 1024 + 777)
    assert len(data) > max_chunk
    src = tmp_path / "src.bin"
    src.write_bytes(data)
    client.mkdir(path)
    f = client.put_file(src, f"{path}/big.bin")
    assert f.length == len(data) and f.crc32c == _crc.signed(_crc.update(data))
    with client.open(f"{path}/big.bin") as r:
        assert sha(r.read()) == sha(data)
    with client.open(f"{path}/big.bin", offset=max_chunk - 5, length=max_chunk + 10) as r:
        assert sha(r.read()) == sha(data[max_chunk - 5:2 * max_chunk + 5])
    with client.open(f"{path}/big.bin") as r:
        r.seek(3 * max_chunk + 1)
        assert r.read(100) == data[3 * max_chunk + 1:3 * max_chunk + 101]
        r.seek(0)
        assert sha(r.read()) == sha(data)  # read again from the start: checked in full
    dest = tmp_path / "dest.bin"
    got = client.get_file(f"{path}/big.bin", dest)
    assert got.length == len(data) and sha(dest.read_bytes()) == sha(data)


def test_mv_and_rm(client, path):
    client.mkdir(f"{path}/d1", parents=True)
    client.put_file(b"abc", f"{path}/d1/x")
    client.put_file(b"def", f"{path}/y")
    moved = client.mv(f"{path}/d1/x", f"{path}/x2")
    assert moved.name == "x2" and moved.path == f"{path}/x2"
    assert client.read_file(f"{path}/x2") == b"abc"
    with pytest.raises(dyad.NotFound):
        client.stat(f"{path}/d1/x")
    with pytest.raises(dyad.AlreadyExists):
        client.mv(f"{path}/x2", f"{path}/y")
    vol, p = dyad.split_path(path)
    assert client.mv(f"{path}/d1", f"{p}/d2").is_dir  # target as a bare path in the same volume
    with pytest.raises(dyad.InvalidArgument):
        client.mv(f"{path}/d2", f"{p}/d2/inside")
    client.put_file(b"z", f"{path}/d2/z")
    with pytest.raises(dyad.NotEmpty) as e:
        client.rm(f"{path}/d2")
    assert e.value.code == 11
    client.rm(f"{path}/d2", recursive=True)
    client.rm(f"{path}/x2")
    with pytest.raises(dyad.NotFound):
        client.rm(f"{path}/x2")
    assert not client.exists(f"{path}/d2")


def test_typed_path_errors(client, path):
    client.mkdir(f"{path}/dir", parents=True)
    client.put_file(b"f", f"{path}/file")
    with pytest.raises(dyad.IsADirectory) as e:
        client.open(f"{path}/dir")
    assert e.value.code == 10
    with pytest.raises(dyad.IsADirectory):
        client.put_file(b"x", f"{path}/dir")
    with pytest.raises(dyad.NotADirectory):
        client.put_file(b"x", f"{path}/file/under")
    with pytest.raises(dyad.NotADirectory):
        client.mkdir(f"{path}/file/sub")
    vol, _ = dyad.split_path(path)
    for bad in (f"{vol}:/a/../b", f"{vol}:relative", f"{vol}:/trailing/", "no-volume-separator", ":/x"):
        with pytest.raises(dyad.InvalidArgument):
            client.stat(bad)
    with pytest.raises(dyad.NotFound):
        client.stat(f"no-such-volume-{uuid.uuid4().hex[:6]}:/x")


def _copy(*args):
    env = dict(os.environ)
    return subprocess.run([sys.executable, str(EXAMPLES / "copy.py"), *args], capture_output=True, env=env,
                          timeout=60)


def test_copy_example(client, path, tmp_path):
    data = os.urandom(5 * 1024 * 1024 + 3)
    src = tmp_path / "in.bin"
    src.write_bytes(data)
    p = _copy("put", str(src), f"{path}/sub/in.bin")
    assert p.returncode == 0, p.stderr
    out = tmp_path / "out.bin"
    p = _copy("get", f"{path}/sub/in.bin", str(out))
    assert p.returncode == 0, p.stderr
    assert sha(out.read_bytes()) == sha(data)
    p = _copy("get", f"{path}/sub/missing", str(out))
    assert p.returncode == 1 and b"NotFound" in p.stderr and b"Traceback" not in p.stderr
    p = _copy("get")
    assert p.returncode == 2 and b"usage" in p.stderr
