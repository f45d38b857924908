"""The store's backends for the tests of this folder: every test taking ``store_target``
runs twice, on a new SQLite file and on a new database of a real PostgreSQL server
(tests/pg_server.py: skipped where Debian's postgresql is not installed, failed in CI)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests import pg_server as pg

pg_server = pg.pg_server  # the session's server, for this folder


def new_database(server: pg.PostgresServer) -> str:
    """The URL of a new, empty database on ``server``."""
    name = f"store_{uuid.uuid4().hex[:12]}"
    server.psql(f"CREATE DATABASE {name}")
    return server.dsn.rpartition("/")[0] + "/" + name


@pytest.fixture(params=["sqlite", "postgresql"])
def store_target(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Path | str]:
    """Where a test's store lives: a SQLite file, or a PostgreSQL database URL."""
    if request.param == "sqlite":
        yield tmp_path / "arbots.sqlite"
    else:
        yield new_database(request.getfixturevalue("pg_server"))
