"""Real engines for the scale tests: a throwaway PostgreSQL cluster and a milvus-lite server.

Both run on 127.0.0.1 from this machine's packages (`.ci/run` installs Debian's postgresql-15
and the `.[scale]` extra). A missing engine fails these tests with the reason; it never skips
them, so CI cannot pass without running them.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest

from api.engines import MilvusLiteServer, PostgresCluster


@pytest.fixture(scope="session")
def postgres():
    # Not pytest's tmp_path: that folder is private to root, and PostgreSQL runs as nobody.
    folder = Path(tempfile.mkdtemp(prefix="policy-pg-"))
    cluster = PostgresCluster(folder / "cluster").start()
    yield cluster
    cluster.stop()


@pytest.fixture
def postgres_url(postgres, request):
    """A fresh, empty database on the session's cluster for one test."""
    import psycopg

    name = "t_" + request.node.name.lower().replace("[", "_").replace("]", "")[:50]
    name = "".join(c if c.isalnum() or c == "_" else "_" for c in name)
    base = postgres.url
    with psycopg.connect(base, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')
    return base.rsplit("/", 1)[0] + "/" + name


@pytest.fixture(scope="session")
def milvus(tmp_path_factory):
    server = MilvusLiteServer(tmp_path_factory.mktemp("milvus")).start()
    yield server
    server.stop()
