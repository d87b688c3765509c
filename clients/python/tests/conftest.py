"""Fixtures: a client of the cluster named by the environment (as `dyad local` prints it), a volume of this run."""

import hashlib
import os
import uuid

import pytest

import dyad

REQUIRED = ("DYAD_GATEWAYS", "DYAD_DDM")


def pytest_configure(config):
    missing = [v for v in REQUIRED if not os.environ.get(v)]
    if missing:
        pytest.exit("the Dyad client tests need a running cluster: set " + ", ".join(missing)
                    + " (and DYAD_SECRET_FILE, DYAD_TLS_CA, DYAD_TLS_CERT, DYAD_TLS_KEY, DYAD_BIN, DYAD_LOCAL_DATA) "
                    "from the ready line of `dyad local`", returncode=2)


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@pytest.fixture(scope="session")
def run_id():
    return uuid.uuid4().hex[:10]


@pytest.fixture(scope="session")
def client():
    with dyad.Dyad.from_env() as c:
        yield c


@pytest.fixture(scope="session")
def max_chunk(client):
    return client.gateways().max_chunk_bytes


@pytest.fixture(scope="session")
def volume(client, run_id):
    """A volume of this run, removed with everything in it at the end."""
    name = f"pytest-{run_id}"
    client.create_volume(name)
    yield name
    for entry in list(client.ls(f"{name}:/")):
        client.rm(entry.path, recursive=True)
    client.delete_volume(name)


@pytest.fixture
def objects(client):
    """Ids to delete after the test."""
    ids = []
    yield ids
    for i in ids:
        try:
            client.delete_object(i)
        except dyad.DyadError:
            pass


@pytest.fixture
def path(volume):
    """A fresh "volume:/t-..." path prefix for one test."""
    return f"{volume}:/t-{uuid.uuid4().hex[:8]}"
