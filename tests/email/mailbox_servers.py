"""Fixtures of the mailbox tests: a real Dovecot on loopback, loopback HTTP servers.

Test modules import the fixtures they use (``from mailbox_servers import dovecot``);
each module importing ``dovecot`` gets its own server (about a second to start).
This is not a ``conftest.py``: several folders of tests/ have one, and they all
share the module name ``conftest``; the root one is loaded here by its path.
"""

from __future__ import annotations

import datetime
import imaplib
import importlib.util
import ipaddress
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import ModuleType
from urllib.parse import parse_qs

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID


def _root_conftest() -> ModuleType:
    name = "arbots_tests_root_conftest"
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(
            name, Path(__file__).resolve().parent.parent / "conftest.py")
        assert spec and spec.loader
        sys.modules[name] = module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
    return sys.modules[name]


IN_CI = _root_conftest().IN_CI
require_program = _root_conftest().require_program

DOVECOT = "/usr/sbin/dovecot"
IMAP_PASSWORD = "dove-S3cret-4711"

DOVECOT_CONF = """\
protocols = imap
listen = 127.0.0.1
base_dir = {root}/run
state_dir = {root}/state
log_path = {root}/dovecot.log
info_log_path = {root}/dovecot.log
ssl = yes
ssl_cert = <{root}/cert.pem
ssl_key = <{root}/key.pem
disable_plaintext_auth = no
auth_mechanisms = plain login xoauth2
auth_failure_delay = 0
default_login_user = dovenull
default_internal_user = dovecot
default_internal_group = dovecot
first_valid_uid = 1
mail_location = maildir:~/Maildir
service imap-login {{
  inet_listener imap {{
    address = 127.0.0.1
    port = {port}
  }}
  inet_listener imaps {{
    address = 127.0.0.1
    port = {tls_port}
  }}
}}
passdb {{
  driver = oauth2
  mechanisms = xoauth2
  args = {root}/oauth2.conf.ext
}}
passdb {{
  driver = static
  mechanisms = plain login
  args = password={password}
}}
userdb {{
  driver = static
  args = uid=mail gid=mail home={root}/home/%u
}}
"""


def self_signed(folder: Path) -> tuple[Path, Path]:
    """A throwaway certificate and key for 127.0.0.1 (its own CA), as PEM files."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = datetime.datetime.now(datetime.UTC)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name)
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(minutes=5))
            .not_valid_after(now + datetime.timedelta(hours=1))
            .add_extension(x509.SubjectAlternativeName(
                [x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), critical=False)
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .sign(key, hashes.SHA256()))
    cert_file, key_file = folder / "cert.pem", folder / "key.pem"
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(key.private_bytes(serialization.Encoding.PEM,
                                           serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return cert_file, key_file


OAUTH2_CONF = """\
introspection_mode = post
introspection_url = {url}/introspect
username_attribute = username
active_attribute = active
active_value = true
"""
OAUTH_TOKEN = "valid-bearer-token-"  # + the user name: what the introspection endpoint accepts


def _introspection_server() -> ThreadingHTTPServer:
    """RFC 7662 token introspection as Dovecot's oauth2 passdb asks it (POST token=...)."""

    class Introspect(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            form = parse_qs(self.rfile.read(length).decode())
            token = form.get("token", [""])[0]
            answer = {"active": True, "username": token[len(OAUTH_TOKEN):]} \
                if token.startswith(OAUTH_TOKEN) else {"active": False}
            body = json.dumps(answer).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Introspect)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def free_ports(count: int) -> list[int]:
    """``count`` distinct TCP ports free on 127.0.0.1 right now."""
    sockets = [socket.socket() for _ in range(count)]
    try:
        for sock in sockets:
            sock.bind(("127.0.0.1", 0))
        return [int(sock.getsockname()[1]) for sock in sockets]
    finally:
        for sock in sockets:
            sock.close()


@dataclass(frozen=True)
class Dovecot:
    host: str
    port: int  # IMAP, plain or STARTTLS
    tls_port: int  # IMAPS
    password: str
    root: Path  # holds cert.pem, the CA to trust

    def maildir(self, user: str) -> Path:
        """Where Dovecot keeps ``user``'s messages (write into ``new/`` to deliver)."""
        return self.root / "home" / user / "Maildir"


@contextmanager
def running_dovecot(program: str = DOVECOT) -> Iterator[Dovecot]:
    """Start a Dovecot IMAP server on 127.0.0.1 (any user, one password); stop it after.

    Logins: PLAIN/LOGIN with the password, or XOAUTH2 with the bearer token
    ``OAUTH_TOKEN + user``, checked by Dovecot's oauth2 passdb against a token
    introspection endpoint served from this process.

    Its folder is a world-readable temporary directory, not pytest's tmp_path:
    Dovecot's mail processes run as ``mail`` and must reach the home folders.
    Needs root (Dovecot switches users). Also used by bench/mailbox.py.
    """
    root = Path(tempfile.mkdtemp(prefix="arbots-dovecot-"))
    root.chmod(0o755)
    (root / "home").mkdir()
    shutil.chown(root / "home", "mail", "mail")
    self_signed(root)
    port, tls_port = free_ports(2)
    introspection = _introspection_server()
    (root / "oauth2.conf.ext").write_text(
        OAUTH2_CONF.format(url=f"http://127.0.0.1:{introspection.server_address[1]}"))
    conf = root / "dovecot.conf"
    conf.write_text(DOVECOT_CONF.format(root=root, port=port, tls_port=tls_port,
                                        password=IMAP_PASSWORD))
    # dovecot daemonizes: its children keep inherited pipes open, so no capture here
    subprocess.run([program, "-c", str(conf)], check=True, stdin=subprocess.DEVNULL,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        _wait_for_greeting(port, root / "dovecot.log")
        yield Dovecot("127.0.0.1", port, tls_port, IMAP_PASSWORD, root)
    finally:
        subprocess.run([program, "-c", str(conf), "stop"], stdin=subprocess.DEVNULL,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        introspection.shutdown()
        introspection.server_close()
        shutil.rmtree(root, ignore_errors=True)


@pytest.fixture(scope="session")
def dovecot() -> Iterator[Dovecot]:
    """A running Dovecot for the session (skips locally, fails in CI, when it cannot run)."""
    program = require_program(DOVECOT, "IMAP integration tests")
    if os.geteuid() != 0:
        message = "Dovecot tests run as root (Dovecot switches to the mail user)"
        pytest.fail(message) if IN_CI else pytest.skip(message)
    with running_dovecot(program) as server:
        yield server


def message(number: int, subject: str = "Remittance advice") -> bytes:
    """A small CRLF e-mail numbered ``number`` (IMAP stores and serves CRLF)."""
    return (f"From: Payer {number} <ap{number}@customer.example>\r\n"
            f"To: remit@arbots.example\r\n"
            f"Subject: {subject} {number}\r\n"
            f"Date: Tue, 24 Nov 2026 10:0{number % 10}:00 +0000\r\n"
            f"Message-ID: <m{number}@customer.example>\r\n\r\n"
            f"Paid invoices 900{number}\r\n").encode()


def deliver(server: Dovecot, user: str, raw: bytes, folder: str = "INBOX") -> None:
    """Put ``raw`` into ``user``'s folder by IMAP APPEND."""
    imap = imaplib.IMAP4(server.host, server.port)
    imap.login(user, server.password)
    imap.append(folder, None, None, raw)
    imap.logout()


def _wait_for_greeting(port: int, log: Path, within: float = 15.0) -> None:
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1) as sock:
                if sock.recv(100).startswith(b"* OK"):
                    return
        except OSError:
            time.sleep(0.05)
    text = log.read_text() if log.exists() else "(no log)"
    raise RuntimeError(f"dovecot did not answer on port {port}: {text}")


# --------------------------------------------------------------------------- HTTP


Handler = Callable[[BaseHTTPRequestHandler, str, bytes], tuple[int, dict[str, str], bytes]]


@dataclass
class Loopback:
    """A running loopback HTTP server; ``requests`` records (method, path, headers, body)."""

    url: str
    requests: list[tuple[str, str, dict[str, str], bytes]]


@pytest.fixture
def http_server() -> Iterator[Callable[[Handler], Loopback]]:
    """Start HTTP servers on 127.0.0.1:0 around a handler; all stopped after the test."""
    servers: list[ThreadingHTTPServer] = []

    def start(handle: Handler) -> Loopback:
        seen: list[tuple[str, str, dict[str, str], bytes]] = []

        class RequestHandler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def _serve(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                seen.append((self.command, self.path, dict(self.headers.items()), body))
                status, headers, payload = handle(self, self.command, body)
                self.send_response(status)
                for key, value in headers.items():
                    self.send_header(key, value)
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            do_GET = do_POST = do_PATCH = do_DELETE = _serve

            def log_message(self, format: str, *args: object) -> None:
                pass

        server = ThreadingHTTPServer(("127.0.0.1", 0), RequestHandler)
        servers.append(server)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        return Loopback(f"http://127.0.0.1:{server.server_address[1]}", seen)

    yield start
    for server in servers:
        server.shutdown()
        server.server_close()
