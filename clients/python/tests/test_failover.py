"""Gateway failover: a dead seed address, a gateway killed in the middle of a multi-chunk put and get, and a DDM
killed (and revived) in the middle of a workload of file operations.

The kill tests use `dyad local --data $DYAD_LOCAL_DATA --kill NAME` / `--revive NAME` ($DYAD_BIN is the dyad
launcher). They are skipped only when that dyad has no --kill option.
"""

import os
import subprocess
import threading
import time

import pytest

import dyad
from conftest import sha
from workload import FileWorkload

SIZE = 20 * 1024 * 1024


def _dyad_bin():
    b = os.environ.get("DYAD_BIN")
    if not b:
        pytest.fail("set DYAD_BIN (the dyad launcher) and DYAD_LOCAL_DATA (the data directory of the running "
                    "dyad local) for the gateway-kill tests")
    return b


def _has_kill(b):
    out = subprocess.run([b, "local", "--help"], capture_output=True, text=True, timeout=60)
    return "--kill" in (out.stdout + out.stderr)


@pytest.fixture(scope="module")
def killer():
    b = _dyad_bin()
    if not _has_kill(b):
        pytest.skip("this dyad local has no --kill/--revive")
    data = os.environ.get("DYAD_LOCAL_DATA")
    if not data:
        pytest.fail("set DYAD_LOCAL_DATA to the data directory of the running dyad local")
    gateways = [g.strip() for g in os.environ["DYAD_GATEWAYS"].split(",") if g.strip()]
    if len(gateways) < 2:
        pytest.fail("the gateway-kill tests need two gateways: run dyad local --gateways 2")
    base = min(int(g.rsplit(":", 1)[1]) for g in gateways)

    def name_of(address):
        # dyad local names its DOSMs local-dosm (on --dosm-port), local-dosm-2 (the port after), ...
        k = int(address.rsplit(":", 1)[1]) - base
        return "local-dosm" if k == 0 else f"local-dosm-{k + 1}"

    def run(flag, name):
        p = subprocess.run([b, "local", "--data", data, flag, name], capture_output=True, text=True, timeout=120)
        assert p.returncode == 0, f"dyad local {flag} {name} failed: {p.stdout}{p.stderr}"

    class Killer:
        killed = []

        def kill(self, address, name=None):
            name = name or name_of(address)
            run("--kill", name)
            self.killed.append(name)

        def revive(self, name):
            run("--revive", name)
            self.killed.remove(name)

        def revive_all(self):
            while self.killed:
                run("--revive", self.killed.pop())

    k = Killer()
    yield k
    k.revive_all()


def test_dead_seed_is_skipped():
    live = os.environ["DYAD_GATEWAYS"].split(",")
    with dyad.Dyad.from_env(gateways=["127.0.0.1:1"] + live) as c:
        info = c.put_object(b"through a live gateway")
        assert c.read_object(info.id) == b"through a live gateway"
        c.delete_object(info.id)


def test_dead_ddm_is_skipped(volume):
    live = os.environ["DYAD_DDM"].split(",")
    with dyad.Dyad.from_env(ddms=["127.0.0.1:1"] + live) as c:
        for _ in range(3):  # whichever DDM the round robin starts with
            assert c.stat(f"{volume}:/").is_dir


def test_no_gateway_is_unavailable():
    with dyad.Dyad.from_env(gateways=["127.0.0.1:1"], ddms=["127.0.0.1:1"], connect_timeout=2) as c:
        with pytest.raises(dyad.Unavailable) as e:
            c.stat_object("abc")
        assert e.value.code == 7
        with pytest.raises(dyad.Unavailable):
            c.volumes()


def test_put_survives_gateway_killed_mid_transfer(killer, tmp_path, max_chunk):
    data = os.urandom(SIZE)
    assert SIZE > 2 * max_chunk
    src = tmp_path / "put.bin"
    src.write_bytes(data)
    seen = []

    def progress(done, via):
        seen.append(via)
        if len(seen) == 1:
            killer.kill(via)  # the gateway this put streams through, after its first chunk

    try:
        with dyad.Dyad.from_env() as c:
            info = c.put_object(str(src), progress=progress)
            assert info.length == SIZE
            assert len(set(seen)) == 2, f"the put should have moved to the other gateway: {seen}"
            with c.get_object(info.id) as r:
                assert sha(r.read()) == sha(data)
            c.delete_object(info.id)
    finally:
        killer.revive_all()


def test_get_survives_gateway_killed_mid_transfer(killer, client):
    data = os.urandom(SIZE)
    info = client.put_object(data)
    seen = []

    def progress(done, via):
        seen.append(via)
        if len(seen) == 1:
            killer.kill(via)  # the gateway this get reads through, after its first chunk

    try:
        with dyad.Dyad.from_env(direct_reads=False) as c:  # through the gateways, so that the kill matters
            with c.get_object(info.id, progress=progress) as r:
                assert sha(r.read()) == sha(data)
            assert len(set(seen)) == 2, f"the get should have moved to the other gateway: {seen}"
    finally:
        killer.revive_all()
        client.delete_object(info.id)


def test_file_put_and_get_survive_gateway_kill(killer, client, path, tmp_path):
    data = os.urandom(SIZE // 2)
    src = tmp_path / "f.bin"
    src.write_bytes(data)
    client.mkdir(path)
    seen = []

    def progress(done, via):
        seen.append(via)
        if len(seen) == 1:
            killer.kill(via)

    try:
        with dyad.Dyad.from_env(direct_reads=False) as c:
            c.put_file(src, f"{path}/f.bin", progress=progress)
            killer.revive_all()
            seen.clear()
            with c.open(f"{path}/f.bin", progress=progress) as r:
                assert sha(r.read()) == sha(data)
    finally:
        killer.revive_all()


def test_direct_read_falls_back_when_the_node_dies(killer, client):
    data = os.urandom(SIZE // 2)
    info = client.put_object(data)
    members = {l.address: l.member_id for l in client.locate(info.id).locations}
    seen = []

    def progress(done, via):
        seen.append(via)
        if len(seen) == 1:
            assert via in members, f"the first chunk should come straight from a storage node, not {via}"
            killer.kill(via, members[via])  # the storage node this get reads from directly

    try:
        with dyad.Dyad.from_env(direct_reads=True) as c:
            with c.get_object(info.id, progress=progress) as r:
                assert sha(r.read()) == sha(data)
        assert any(v not in members for v in seen), f"the rest should have come through a gateway: {seen}"
    finally:
        killer.revive_all()
        client.delete_object(info.id)


def _ddm_names():
    """dyad local names its DDMs local-ddm (on --ddm-port), local-ddm-2 (the port after), ..."""
    ddms = [d.strip() for d in os.environ["DYAD_DDM"].split(",") if d.strip()]
    base = min(int(d.rsplit(":", 1)[1]) for d in ddms)
    return [("local-ddm" if k == 0 else f"local-ddm-{k + 1}")
            for k in sorted(int(d.rsplit(":", 1)[1]) - base for d in ddms)]


def test_file_workload_survives_ddm_kill(killer, volume, run_id):
    """File operations go on through the other DDM while dyad local kills one under them (calls in flight lose their
    connection and are sent again elsewhere under their request ids), revives it, then kills the other: not one
    operation fails, and the tree is exactly what the workload's sequential model says (nothing applied twice)."""
    names = _ddm_names()
    if len(names) < 2:
        pytest.fail("the DDM-kill test needs two DDMs in DYAD_DDM: run dyad local --ddms 2")
    events = [("kill", names[0]), ("revive", names[0]), ("kill", names[1]), ("revive", names[1])]
    counts = {}
    with dyad.Dyad.from_env() as c:
        w = FileWorkload(c, f"{volume}:/ddm-dies-{run_id}", seed=7)
        t = None
        try:
            for verb, name in events:
                for _ in range(40):
                    w.step()
                failed = []

                def act(verb=verb, name=name):
                    try:
                        killer.kill(None, name) if verb == "kill" else killer.revive(name)
                    except BaseException as e:  # reported by the test's thread
                        failed.append(e)

                t = threading.Thread(target=act)
                t.start()
                while t.is_alive():  # the kill lands while operations are in flight
                    w.step()
                t.join()
                if failed:
                    raise failed[0]
                counts[f"{verb} {name}"] = w.done
            for _ in range(40):
                w.step()
        finally:
            if t is not None:
                t.join()
            killer.revive_all()
        assert w.verify() is None
    print(f"DDM failover workload (Python): {w.done} operations, 0 failed; {names[0]} down for "
          f"{counts['revive ' + names[0]] - counts['kill ' + names[0]]} of them, {names[1]} for "
          f"{counts['revive ' + names[1]] - counts['kill ' + names[1]]}; the longest took "
          f"{w.longest * 1000:.0f} ms ({w.longest_op})")
