"""TLS to Temporal: a server that requires TLS, a client configured wrong, exit 2 naming it.

The server is a TLS listener on 127.0.0.1 with a certificate of a trustme CA
(it ends every connection after the handshake: enough to tell a client that
trusts it from one that does not). ``arbots worker`` is run as a subprocess.
"""

from __future__ import annotations

import os
import socket
import ssl
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import suppress
from pathlib import Path

import pytest
import trustme


@pytest.fixture
def tls_server(tmp_path: Path) -> Iterator[tuple[str, trustme.CA]]:
    """``(address, ca)`` of a TLS-only listener on loopback, stopped after the test."""
    ca = trustme.CA()
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert("127.0.0.1", "localhost").configure_cert(context)
    listener = socket.create_server(("127.0.0.1", 0))
    stopping = threading.Event()

    def serve() -> None:
        while not stopping.is_set():
            try:
                conn, _ = listener.accept()
            except OSError:
                return
            with suppress(OSError, ssl.SSLError), context.wrap_socket(conn, server_side=True):
                pass

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield f"127.0.0.1:{listener.getsockname()[1]}", ca
    finally:
        stopping.set()
        listener.close()
        thread.join(timeout=5)


def _worker(home: Path, address: str, engine: str = "") -> subprocess.CompletedProcess[str]:
    (home / "site.toml").write_text(f'[engine]\nkind = "temporal"\naddress = "{address}"\n'
                                    f"{engine}", encoding="utf-8")
    env = {**os.environ, "ARBOTS_HOME": str(home)}
    for name in ("ARBOTS_CONFIG", "ARBOTS_TEMPORAL"):
        env.pop(name, None)
    return subprocess.run([sys.executable, "-m", "bots.cli", "worker", "--config", "site.toml"],
                          env=env, cwd=home, capture_output=True, text=True, timeout=120)


def test_a_plain_client_of_a_tls_server_exits_2_naming_the_address(
        tmp_path: Path, tls_server: tuple[str, trustme.CA]) -> None:
    address, _ = tls_server
    done = _worker(tmp_path, address)
    message = " ".join(done.stderr.split())
    assert done.returncode == 2, done.stderr
    assert f"Temporal is unreachable at {address} without TLS ([engine.tls] not set)" in message


def test_a_client_trusting_another_ca_exits_2_naming_the_address(
        tmp_path: Path, tls_server: tuple[str, trustme.CA]) -> None:
    address, _ = tls_server
    trustme.CA().cert_pem.write_to_path(str(tmp_path / "other-ca.pem"))
    done = _worker(tmp_path, address, '[engine.tls]\nserver_ca = "other-ca.pem"\n')
    message = " ".join(done.stderr.split())
    assert done.returncode == 2, done.stderr
    assert f"Temporal is unreachable at {address} over TLS" in message


def test_a_missing_client_key_is_named_before_connecting(tmp_path: Path) -> None:
    (tmp_path / "worker.pem").write_text("CERT", encoding="utf-8")
    done = _worker(tmp_path, "127.0.0.1:1", '[engine.tls]\nclient_cert = "worker.pem"\n'
                                            'client_key = "worker.key"\n')
    assert done.returncode == 2, done.stderr
    assert "engine.tls.client_key: no such file" in " ".join(done.stderr.split())
