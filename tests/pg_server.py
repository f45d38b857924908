"""A throw-away PostgreSQL server for tests: Debian's binaries, loopback, a temp dir.

    from tests import pg_server as pg

    pg_dsn = pg.pg_dsn  # the fixture, in the test module

    def test_something(pg_dsn):   # postgresql://arbots@127.0.0.1:<port>/arbots
        ...

:class:`PostgresServer` runs ``initdb`` into a fresh temporary directory, starts
``postgres`` on 127.0.0.1 at a free port (its socket file in the same directory,
trust authentication, fsync off) and creates the database ``arbots``; leaving
it stops the server (fast shutdown) and removes the directory. ``initdb``
refuses to run as root, so as root both run as the unprivileged user
``nobody``, which owns the directory; as anyone else they run as that user.

The binaries come from Debian's ``postgresql`` package
(``/usr/lib/postgresql/<version>/bin``, the newest version installed); without
them the fixture fails in CI and skips elsewhere. The server is per pytest
process (session scope): a test that needs a clean database creates its own.
"""

from __future__ import annotations

import os
import pwd
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from types import TracebackType

import pytest

from tests.conftest import require_program

UNPRIVILEGED = "nobody"  # who runs the server when the tests run as root
DATABASE = "arbots"
ROLE = "arbots"
READY_WITHIN = 60.0  # seconds for the server to accept connections
PORT_ATTEMPTS = 3


class PortTaken(RuntimeError):
    """postgres could not bind the port chosen for it."""


def postgres_bin() -> Path | None:
    """The newest ``/usr/lib/postgresql/<version>/bin`` with initdb and postgres, if any."""
    found = [path for path in Path("/usr/lib/postgresql").glob("*/bin")
             if (path / "initdb").exists() and (path / "postgres").exists()]
    return max(found, key=lambda path: int(path.parent.name), default=None) if found else None


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on at the moment of asking."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class PostgresServer:
    """One PostgreSQL server in a temporary directory, for the ``with`` block.

    ``dsn`` is ``postgresql://arbots@127.0.0.1:<port>/arbots``; ``psql(sql)``
    runs SQL through Debian's ``psql`` and returns its unaligned output.
    """

    def __init__(self, bin_dir: Path) -> None:
        self.bin_dir = bin_dir
        self.user = UNPRIVILEGED if os.geteuid() == 0 else None
        self.dir = Path(tempfile.mkdtemp(prefix="arbots-pg-"))
        self.data = self.dir / "data"
        self.port = 0
        self._process: subprocess.Popen[str] | None = None

    @property
    def dsn(self) -> str:
        return f"postgresql://{ROLE}@127.0.0.1:{self.port}/{DATABASE}"

    def __enter__(self) -> PostgresServer:
        try:
            if self.user is not None:
                account = pwd.getpwnam(self.user)
                os.chown(self.dir, account.pw_uid, account.pw_gid)
            self._run(self.bin_dir / "initdb", "--pgdata", str(self.data), "--username", ROLE,
                      "--auth", "trust", "--encoding", "UTF8", "--locale", "C.UTF-8",
                      "--no-sync")
            for attempt in range(PORT_ATTEMPTS):
                try:
                    self._start(free_port())
                    break
                except PortTaken:  # another process took the free port first
                    if attempt == PORT_ATTEMPTS - 1:
                        raise
            self._run(self.bin_dir / "createdb", "--host", "127.0.0.1", "--port",
                      str(self.port), "--username", ROLE, DATABASE)
        except BaseException:
            self.__exit__(None, None, None)
            raise
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        if self._process is not None and self._process.poll() is None:
            self._process.send_signal(signal.SIGINT)  # fast shutdown
            try:
                self._process.wait(30)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait()
        shutil.rmtree(self.dir, ignore_errors=True)

    def _start(self, port: int) -> None:
        """Start postgres on ``port`` and wait until it accepts connections."""
        self.port = port
        with (self.dir / "server.log").open("w") as log:
            self._process = subprocess.Popen(
                [str(self.bin_dir / "postgres"), "-D", str(self.data), "-h", "127.0.0.1",
                 "-p", str(port), "-k", str(self.dir), "-c", "fsync=off",
                 "-c", "full_page_writes=off", "-c", "synchronous_commit=off"],
                stdout=log, stderr=subprocess.STDOUT, text=True, user=self.user,
                start_new_session=True)
        self._wait_until_ready()

    def psql(self, sql: str) -> str:
        """Run ``sql`` with psql against :attr:`dsn`; its tuples-only, unaligned output."""
        done = subprocess.run(
            ["psql", self.dsn, "--no-psqlrc", "--tuples-only", "--no-align",
             "--set", "ON_ERROR_STOP=1", "--command", sql],
            capture_output=True, text=True, timeout=60)
        if done.returncode != 0:
            raise RuntimeError(f"psql failed ({done.returncode}): {done.stderr.strip()}")
        return done.stdout.strip()

    def _run(self, *command: str | Path) -> None:
        """Run one of the server's programs as the server's user; fail with its output."""
        done = subprocess.run([str(part) for part in command], capture_output=True, text=True,
                              user=self.user, cwd=self.dir, timeout=120)
        if done.returncode != 0:
            raise RuntimeError(f"{Path(command[0]).name} failed ({done.returncode}): "
                               f"{(done.stderr or done.stdout).strip()}")

    def _wait_until_ready(self) -> None:
        """Poll pg_isready until the server accepts connections; its log if it died."""
        assert self._process is not None
        deadline = time.monotonic() + READY_WITHIN
        while True:
            if self._process.poll() is not None:
                log = (self.dir / "server.log").read_text().strip()
                if "could not bind" in log:
                    raise PortTaken(log)
                raise RuntimeError(f"postgres exited with {self._process.returncode}: {log}")
            ready = subprocess.run(
                [str(self.bin_dir / "pg_isready"), "--host", "127.0.0.1",
                 "--port", str(self.port), "--username", ROLE, "--timeout", "1"],
                capture_output=True)
            if ready.returncode == 0:
                return
            if time.monotonic() > deadline:
                raise RuntimeError(f"postgres on port {self.port} not ready after "
                                   f"{READY_WITHIN:.0f} s: "
                                   f"{(self.dir / 'server.log').read_text().strip()}")
            time.sleep(0.05)


@pytest.fixture(scope="session")
def pg_server() -> Iterator[PostgresServer]:
    """A running PostgreSQL server for this pytest process (see the module docstring)."""
    bin_dir = postgres_bin()
    if bin_dir is None:
        require_program("/usr/lib/postgresql/<version>/bin/initdb",
                        "a real PostgreSQL for the store on PostgreSQL")
    assert bin_dir is not None
    require_program("psql", "the tests talk to PostgreSQL through psql")
    with PostgresServer(bin_dir) as server:
        yield server


@pytest.fixture(scope="session")
def pg_dsn(pg_server: PostgresServer) -> str:
    """The DSN of the session's PostgreSQL server: ``postgresql://arbots@127.0.0.1:<port>/arbots``."""
    return pg_server.dsn
