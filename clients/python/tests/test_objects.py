"""The object API: put/get/stat/delete/locate, chunking, ranges, CRC checks, typed errors."""

import io
import os
import uuid

import pytest

import dyad
from dyad import _crc
from conftest import sha


def test_crc32c_is_native_and_correct():
    assert _crc.native(), "crcmod must use its C extension"
    assert _crc.update(b"123456789") == 0xE3069283
    assert _crc.signed(0xE3069283) == 0xE3069283 - (1 << 32)
    assert _crc.update(b"6789", _crc.update(b"12345")) == 0xE3069283


def test_accelerated_protocol():
    from dyad import _net
    assert _net.ACCELERATED, "thrift's C codec (fastbinary) should be in use"


def test_no_gateway_configured_is_invalid_argument():
    with pytest.raises(dyad.InvalidArgument):
        dyad.Dyad(gateways=[], ddms=[], use_env=False)
    with pytest.raises(dyad.InvalidArgument):
        dyad.Dyad(gateways=["no-port"], use_env=False)


def test_gateways_lists_both(client):
    g = client.gateways()
    assert len(g.object_gateways) >= 1
    assert g.directory_gateways
    assert g.max_chunk_bytes >= 64 * 1024
    assert client.chunk_bytes <= g.max_chunk_bytes


def test_small_object_round_trip(client, objects):
    data = os.urandom(1000)
    info = client.put_object(data)
    objects.append(info.id)
    assert info.length == 1000 and not info.tombstone
    assert info.crc32c == _crc.signed(_crc.update(data))
    assert client.read_object(info.id) == data
    st = client.stat_object(info.id)
    assert (st.id, st.length, st.crc32c) == (info.id, 1000, info.crc32c)
    loc = client.locate(info.id)
    assert loc.id == info.id and loc.pair_id
    assert sum(1 for l in loc.locations if l.state == "PRESENT") == 2
    assert all(isinstance(l, dyad.Location) for l in loc.locations)


def test_chosen_id_and_already_exists(client, objects):
    oid = f"py-{uuid.uuid4()}"
    objects.append(oid)
    assert client.put_object(b"first", id=oid).id == oid
    with pytest.raises(dyad.AlreadyExists) as e:
        client.put_object(b"different bytes", id=oid)
    assert e.value.code == 2


def test_delete_then_not_found(client):
    info = client.put_object(b"to be deleted")
    tomb = client.delete_object(info.id)
    assert tomb.tombstone
    assert client.delete_object(info.id).tombstone  # idempotent
    with pytest.raises(dyad.NotFound) as e:
        client.stat_object(info.id)
    assert e.value.code == 1 and isinstance(e.value, dyad.DyadError)
    with pytest.raises(dyad.NotFound):
        client.get_object(info.id)


def test_multi_chunk_object_from_file(client, objects, max_chunk, tmp_path):
    data = os.urandom(10 * 1024 * 1024 + 12345)
    assert len(data) > max_chunk
    f = tmp_path / "big.bin"
    f.write_bytes(data)
    sent = []
    info = client.put_object(str(f), progress=lambda n, via: sent.append(n))
    objects.append(info.id)
    assert info.length == len(data)
    assert len(sent) >= 3 and sent[-1] == len(data)
    got = []
    with client.get_object(info.id, progress=lambda n, via: got.append(n)) as r:
        assert sha(r.read()) == sha(data)
    assert len(got) >= 3
    # through the gateways only (no direct reads from the nodes)
    with dyad.Dyad.from_env(direct_reads=False) as other:
        with other.get_object(info.id) as r:
            assert sha(b"".join(r.chunks())) == sha(data)


def test_put_from_unseekable_stream(client, objects, max_chunk):
    data = os.urandom(max_chunk * 2 + 7)

    class Stream(io.RawIOBase):
        def __init__(self):
            self.src = io.BytesIO(data)

        def readable(self):
            return True

        def readinto(self, b):
            chunk = self.src.read(min(len(b), 100_000))
            b[:len(chunk)] = chunk
            return len(chunk)

    info = client.put_object(io.BufferedReader(Stream()))
    objects.append(info.id)
    assert info.length == len(data)
    assert sha(client.read_object(info.id)) == sha(data)


def test_ranges_seek_and_file_protocol(client, objects, max_chunk):
    data = os.urandom(max_chunk + 300_000) + b"line one\nline two\n"
    info = client.put_object(data)
    objects.append(info.id)
    with client.get_object(info.id, offset=max_chunk - 10, length=20) as r:
        assert r.length == 20
        assert r.read() == data[max_chunk - 10:max_chunk + 10]
        assert r.read() == b""
    with client.get_object(info.id) as r:
        assert r.readable() and r.seekable() and not r.writable()
        assert r.read(5) == data[:5] and r.tell() == 5
        assert r.seek(-18, io.SEEK_END) == len(data) - 18
        assert list(r) == [b"line one\n", b"line two\n"]
        r.seek(1000)
        buf = bytearray(50)
        assert r.readinto(buf) == 50 and bytes(buf) == data[1000:1050]
        r.seek(10, io.SEEK_CUR)
        assert r.read(10) == data[1060:1070]
        r.seek(len(data) + 5)
        assert r.read(10) == b""
        with pytest.raises(ValueError):
            r.seek(-1)
    assert r.closed
    with pytest.raises(ValueError):
        r.read(1)
    with client.get_object(info.id, offset=len(data) - 3) as r:
        assert r.read() == data[-3:]


def test_empty_object(client, objects):
    info = client.put_object(b"")
    objects.append(info.id)
    assert info.length == 0 and info.crc32c == 0
    with client.get_object(info.id) as r:
        assert r.read() == b""


def test_reader_verifies_crc(client, objects, max_chunk):
    data = os.urandom(max_chunk + 1000)
    info = client.put_object(data)
    objects.append(info.id)
    r = client.get_object(info.id)
    r._expected ^= 1  # pretend the record says another CRC32C: the bytes received no longer match it
    with pytest.raises(dyad.ChecksumMismatch) as e:
        r.read()
    assert e.value.code == 3
    r.close()


def test_server_refuses_wrong_crc(client, monkeypatch, max_chunk):
    real = _crc.signed
    monkeypatch.setattr(_crc, "signed", lambda c: real(c ^ 0x5A5A))
    with pytest.raises(dyad.ChecksumMismatch):
        client.put_object(b"small payload")
    with pytest.raises(dyad.ChecksumMismatch):
        client.put_object(os.urandom(max_chunk + 10))


def test_access_denied_with_bad_credential(client, objects):
    info = client.put_object(b"secret")
    objects.append(info.id)
    with dyad.Dyad.from_env(credential="dyad1.Zm9v.YmFy") as bad:
        with pytest.raises(dyad.AccessDenied) as e:
            bad.stat_object(info.id)
        assert e.value.code == 8
        with pytest.raises(dyad.AccessDenied):
            bad.put_object(b"x")
        with pytest.raises(dyad.AccessDenied):
            bad.get_object(info.id)


def test_expired_operator_credential_is_refused(client, objects):
    from dyad.credentials import read_secret, sign_admin
    secret = os.environ.get("DYAD_SECRET_FILE")
    if not secret:
        pytest.skip("the cluster runs without a secret")
    token = sign_admin(read_secret(secret), 1000)  # expired in 1970
    with dyad.Dyad.from_env(credential=token) as old:
        with pytest.raises(dyad.AccessDenied):
            old.put_object(b"late")


def test_invalid_object_id(client):
    for bad in ("a/b", "..", ""):
        with pytest.raises(dyad.InvalidArgument) as e:
            client.stat_object(bad)
        assert e.value.code == 4


def test_no_raw_thrift_types(client, objects):
    info = client.put_object(b"typed")
    objects.append(info.id)
    assert type(info) is dyad.ObjectInfo
    assert type(client.stat_object(info.id)) is dyad.ObjectInfo
    assert type(client.locate(info.id)) is dyad.Locations
    assert type(client.gateways()) is dyad.GatewayInfo


def test_operator_credential_format_and_renewal(monkeypatch):
    import base64
    import hashlib
    import hmac
    from dyad import credentials
    key = bytes(range(32))
    now = [1_000_000.0]
    monkeypatch.setattr(credentials.time, "time", lambda: now[0])
    cred = credentials.OperatorCredential(key)
    first = cred()
    prefix, payload, mac = first.split(".")
    pad = lambda s: s + "=" * (-len(s) % 4)
    raw = base64.urlsafe_b64decode(pad(payload))
    assert prefix == "dyad1" and "=" not in first
    assert raw == f"ADMIN\n{int((now[0] + 600) * 1000)}\n*".encode()
    assert base64.urlsafe_b64decode(pad(mac)) == hmac.new(key, raw, hashlib.sha256).digest()
    now[0] += 400
    assert cred() == first  # still 200 s of life left
    now[0] += 100
    assert cred() != first  # under 2 minutes left: signed again
