"""The PostgreSQL test server (tests/pg_server.py): it starts, answers psql, and goes away."""

from __future__ import annotations

import os
import socket
import subprocess

import pytest

from tests import pg_server as pg

pg_server, pg_dsn = pg.pg_server, pg.pg_dsn  # the fixtures, for this module


def test_psql_connects_to_the_dsn_and_selects_one(pg_dsn):
    done = subprocess.run(["psql", pg_dsn, "--no-psqlrc", "--tuples-only", "--no-align",
                           "--command", "select 1"], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "1"
    assert pg_dsn.startswith("postgresql://arbots@127.0.0.1:") and pg_dsn.endswith("/arbots")


def test_it_listens_on_loopback_only_as_an_unprivileged_user(pg_server):
    assert pg_server.psql("show listen_addresses") == "127.0.0.1"
    assert pg_server.psql("select current_database() || ' ' || current_user") == \
        "arbots arbots"
    owner = pg_server.data.stat().st_uid
    assert owner != 0 or os.geteuid() != 0  # initdb refuses root: the data is not root's
    postmaster_pid = int((pg_server.data / "postmaster.pid").read_text().split()[0])
    assert os.stat(f"/proc/{postmaster_pid}").st_uid == owner


def test_a_failing_statement_is_an_error_naming_it(pg_server):
    with pytest.raises(RuntimeError, match='relation "no_such_table" does not exist'):
        pg_server.psql("select * from no_such_table")


def test_leaving_stops_the_server_and_removes_its_directory():
    bin_dir = pg.postgres_bin()
    if bin_dir is None:
        pytest.skip("no PostgreSQL binaries (the pg_server fixture says how to install them)")
    with pg.PostgresServer(bin_dir) as server:
        assert server.psql("select 2") == "2"
        folder, port = server.dir, server.port
    assert not folder.exists()
    with socket.socket() as probe, pytest.raises(ConnectionRefusedError):
        probe.connect(("127.0.0.1", port))


def test_a_port_taken_before_postgres_binds_it_is_replaced(monkeypatch):
    bin_dir = pg.postgres_bin()
    if bin_dir is None:
        pytest.skip("no PostgreSQL binaries (the pg_server fixture says how to install them)")
    with socket.socket() as squatter:
        squatter.bind(("127.0.0.1", 0))
        squatter.listen()
        taken = squatter.getsockname()[1]
        offered, really_free = iter([taken]), pg.free_port
        monkeypatch.setattr(pg, "free_port", lambda: next(offered, 0) or really_free())
        with pg.PostgresServer(bin_dir) as server:
            assert server.port != taken
            assert server.psql("select 3") == "3"

