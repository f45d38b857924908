"""The simulator as a server of its own, as a real SAP system is to its RFC clients.

    with SimulatorServer(path, latency_ms=100) as server:
        conn = server.connect(user="ARBOTS")      # a pyrfc-like connection
        conn.call("RFC_PING")
        conn.close()
    server.cpu_seconds, server.calls              # what the system spent answering

:class:`~bots.sandbox.sap.simulator.SapSimulator` answers in the caller's
process: its SQLite work runs on the caller's cores and its Python parts
(parameter checks, the ``DATA`` rows) hold the caller's GIL, which a real
SAP system never does. A benchmark of the client (``bench sap_open_items``)
serves it from here instead: :class:`SimulatorServer` starts one process
(a new interpreter: it shares nothing with the caller) listening on a Unix socket
in a private temporary folder; each connection gets a process forked from
it, its *work process*, holding one ``SapSimulator`` session (its LUW,
latency and all). The client's :class:`RemoteSimulator` sends
``(function, parameters)`` and gets the result, or the ABAP exception
(the same classes as in process), back pickled: the client pays for
rebuilding the rows as it pays pyrfc for building them.

A work process ends when its connection is closed (or its client
vanishes); stopping the server ends it and any work process still running.
Limits: no ``clock`` other than today's date, and no
``get_function_description`` (use the in-process simulator for those).
"""

from __future__ import annotations

import ctypes
import multiprocessing
import multiprocessing.connection
import os
import secrets
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bots.sandbox.sap.errors import communication_error
from bots.sandbox.sap.simulator import SapSimulator

PR_SET_PDEATHSIG = 1  # prctl(2)
READY = "listening"


class SimulatorServer:
    """A simulated SAP system in a process of its own; :meth:`connect` logs on to it."""

    def __init__(self, path: Path, *, latency_ms: float = 0) -> None:
        """Start serving ``path``, every call answered after ``latency_ms``."""
        self._folder = tempfile.TemporaryDirectory(prefix="arbots-sap-")
        self.address = str(Path(self._folder.name) / "rfc.sock")
        self._authkey = secrets.token_bytes(16)
        self.cpu_seconds = 0.0  # of the work processes of closed connections
        self.calls = 0  # function modules called over all connections
        self._process = subprocess.Popen(
            [sys.executable, "-m", __name__, self.address, str(path), str(latency_ms)],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        assert self._process.stdin is not None and self._process.stdout is not None
        self._process.stdin.write(self._authkey.hex() + "\n")
        self._process.stdin.close()
        if self._process.stdout.readline().strip() != READY:
            self.stop()
            raise communication_error(f"the SAP simulator server for {path} did not start")

    def connect(self, **logon: Any) -> RemoteSimulator:
        """One connection: ``logon`` as :class:`SapSimulator` takes it (``user``,
        ``passwd``, ``latency_ms`` for this connection instead of the server's)."""
        return RemoteSimulator(self, logon)

    def stop(self) -> None:
        """End the server and its work processes."""
        if self._process.poll() is None:
            self._process.terminate()
        self._process.wait()
        if self._process.stdout is not None:
            self._process.stdout.close()
        self._folder.cleanup()

    def _link(self) -> multiprocessing.connection.Connection:
        return multiprocessing.connection.Client(self.address, "AF_UNIX",
                                                 authkey=self._authkey)

    def __enter__(self) -> SimulatorServer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


class RemoteSimulator:
    """One RFC connection to a :class:`SimulatorServer` (the ``pyrfc.Connection`` surface)."""

    def __init__(self, server: SimulatorServer, logon: dict[str, Any]) -> None:
        self._server, self._logon = server, logon
        self._link: multiprocessing.connection.Connection | None = None
        self.reopen()

    @property
    def alive(self) -> bool:
        return self._link is not None

    def call(self, func_name: str, /, **params: Any) -> dict[str, Any]:
        """Run ``func_name`` in the connection's work process; its result or its exception."""
        self._server.calls += 1
        return self._ask("call", func_name, params)  # type: ignore[no-any-return]

    def close(self) -> None:
        """Log off: the work process rolls back what was not committed and ends."""
        if self._link is None:
            return
        try:
            self._server.cpu_seconds += self._ask("close")
        finally:
            self._drop()

    def reopen(self) -> None:
        """Close and log on again (a fresh work process and LUW), as pyrfc's ``reopen``."""
        self.close()
        try:
            self._link = self._server._link()
        except OSError as exc:
            raise communication_error(f"SAP simulator server not reached: {exc}") from None
        self._ask("logon", self._logon)

    def _ask(self, *message: Any) -> Any:
        if self._link is None:
            raise communication_error("connection closed")
        try:
            self._link.send(message)
            failed, answer = self._link.recv()
        except (EOFError, OSError) as exc:
            self._drop()
            raise communication_error(f"SAP simulator work process lost: {exc!r}") from None
        if failed:
            if message[0] == "logon":
                self._drop()
            raise answer
        return answer

    def _drop(self) -> None:
        if self._link is not None:
            self._link.close()
            self._link = None

    def __enter__(self) -> RemoteSimulator:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def main() -> None:
    """``python -m bots.sandbox.sap.server SOCKET DB LATENCY_MS``, the key on stdin."""
    address, path, latency_ms = sys.argv[1], sys.argv[2], float(sys.argv[3])
    authkey = bytes.fromhex(sys.stdin.readline().strip())
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # work processes are reaped by the kernel
    signal.signal(signal.SIGTERM, _stop_group)
    os.setpgrp()  # the work processes end with the server (see _stop_group)
    _end_with_parent()
    listener = multiprocessing.connection.Listener(address, "AF_UNIX", authkey=authkey)
    print(READY, flush=True)
    _serve(listener, Path(path), latency_ms)


def _serve(listener: multiprocessing.connection.Listener, path: Path,
           latency_ms: float) -> None:
    """Accept connections, fork a work process for each (this process has one thread)."""
    while True:
        try:
            link = listener.accept()
        except (OSError, multiprocessing.AuthenticationError):
            continue
        if os.fork() == 0:
            signal.signal(signal.SIGTERM, signal.SIG_DFL)
            code = 0
            try:
                _work(link, path, latency_ms)
            except BaseException:  # noqa: BLE001 - a work process never returns to the loop
                code = 1
            finally:
                os._exit(code)
        link.close()


def _end_with_parent() -> None:
    """On Linux, SIGTERM when the client that started the server dies (even killed)."""
    try:
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)
    except (OSError, AttributeError):  # not Linux: daemon=True and stop() end it
        return
    if os.getppid() == 1:  # it died before prctl
        _stop_group(signal.SIGTERM, None)


def _stop_group(signum: int, frame: object) -> None:
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    os.killpg(0, signal.SIGTERM)
    os._exit(0)


def _work(link: multiprocessing.connection.Connection, path: Path, latency_ms: float) -> None:
    """One work process: log on, then answer calls until the client closes."""
    session: SapSimulator | None = None
    while True:
        try:
            kind, *args = link.recv()
        except (EOFError, OSError):
            break
        try:
            if kind == "logon":
                session = SapSimulator(path, **{"latency_ms": latency_ms, **args[0]})
                answer: Any = None
            elif kind == "call" and session is not None:
                answer = session.call(args[0], **args[1])
            elif kind == "close":  # the CPU this work process spent, then it ends
                link.send((False, time.process_time()))
                break
            else:
                raise communication_error(f"unexpected {kind!r} before logon")
        except Exception as exc:  # noqa: BLE001 - handed to the client, as SAP returns it
            link.send((True, exc))
            continue
        link.send((False, answer))
    if session is not None:
        session.close()


if __name__ == "__main__":
    main()
