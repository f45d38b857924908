"""Reminder e-mails delivered by SMTP to a real server on loopback: encrypted, verified, once.

The servers are aiosmtpd on 127.0.0.1 with certificates from a throw-away
``trustme`` CA; each test starts its server and stops it.
"""

from __future__ import annotations

import socket
import ssl
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from email import message_from_bytes
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
import trustme
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

from bots.config import CollectionsConfig, Config, ConfigError, Secret, load_config
from bots.domain import RunStatus, Trigger
from bots.pipeline.reminders import SmtpRefused, send_smtp
from bots.runner import run_bots

PASSWORD = "smtp-pass-5f1c"


@dataclass
class Inbox:
    """An aiosmtpd handler and authenticator keeping what it receives."""

    messages: list[bytes] = field(default_factory=list)
    logins: list[tuple[str, bool]] = field(default_factory=list)  # (password, over TLS)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        self.messages.append(envelope.content)
        return "250 OK"

    def __call__(self, server: Any, session: Any, envelope: Any, mechanism: str,
                 auth_data: Any) -> AuthResult:
        assert isinstance(auth_data, LoginPassword)
        over_tls = session.ssl is not None \
            or server.transport.get_extra_info("ssl_object") is not None  # STARTTLS, implicit
        self.logins.append((auth_data.password.decode(), over_tls))
        return AuthResult(success=auth_data.password.decode() == PASSWORD)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture(scope="module")
def ca() -> trustme.CA:
    return trustme.CA()


def server_context(ca: trustme.CA) -> ssl.SSLContext:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert("127.0.0.1").configure_cert(context)
    return context


@contextmanager
def smtp_server(ca: trustme.CA | None, *, implicit: bool = False,
                plain_auth: bool = False) -> Iterator[tuple[int, Inbox]]:
    """An SMTP server on loopback: STARTTLS with ``ca``'s certificate (implicit TLS
    with ``implicit``), or no TLS at all when ``ca`` is None (``plain_auth``: it
    then accepts AUTH in clear, so that only the client can refuse it)."""
    inbox, port = Inbox(), free_port()
    tls: dict[str, Any] = {}
    if ca is not None and implicit:
        tls = {"ssl_context": server_context(ca), "server_hostname": "127.0.0.1"}
    elif ca is not None:
        tls = {"tls_context": server_context(ca), "require_starttls": True}
    # aiosmtpd counts only STARTTLS as TLS for AUTH; implicit TLS is encrypted from the start
    controller = Controller(inbox, hostname="127.0.0.1", port=port, authenticator=inbox,
                            auth_require_tls=not (plain_auth or implicit), **tls)
    if implicit:  # the readiness probe of aiosmtpd must trust the test CA too
        assert ca is not None
        controller.ssl_context = server_context(ca)
    controller.start()
    try:
        yield port, inbox
    finally:
        controller.stop()


def smtp_policy(tmp_path: Path, port: int, settings: str = "",
                ca: trustme.CA | None = None) -> CollectionsConfig:
    """``[collections.smtp]`` as a site would write it, loaded and validated."""
    lines = ['host = "127.0.0.1"', f"port = {port}", 'user = "ar@example.com"',
             'password = { env = "ARBOTS_TEST_SMTP_PASSWORD" }', settings]
    if ca is not None:
        ca.cert_pem.write_to_path(str(tmp_path / "ca.pem"))
        lines.append(f'ca_file = "{tmp_path / "ca.pem"}"')
    file = tmp_path / "site.toml"
    file.write_text("[collections.smtp]\n" + "\n".join(lines) + "\n", encoding="utf-8")
    return load_config(file, home=tmp_path).collections


def message() -> EmailMessage:
    msg = EmailMessage()
    msg["From"], msg["To"], msg["Subject"] = "ar@example.com", "ap@example.net", "Reminder"
    msg.set_content("Please pay.")
    return msg


@pytest.fixture(autouse=True)
def smtp_password(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ARBOTS_TEST_SMTP_PASSWORD", PASSWORD)


def test_reminders_are_sent_by_verified_starttls_and_never_twice(
        world: Config, ca: trustme.CA, tmp_path: Path) -> None:
    with smtp_server(ca) as (port, inbox):
        policy = smtp_policy(tmp_path, port, ca=ca)
        cfg = replace(world, collections=replace(
            world.collections, **{k: getattr(policy, k) for k in vars(policy)
                                  if k.startswith("smtp_")}))
        outcome = run_bots(cfg, ("collections",), Trigger.ON_DEMAND)
        assert outcome.status == RunStatus.OK, outcome.report.bots[0].errors
        sent = outcome.report.bots[0].counts["reminders_sent"]
        assert sent > 0 and len(inbox.messages) == sent
        assert set(inbox.logins) == {(PASSWORD, True)}  # the password only inside TLS
        first = message_from_bytes(inbox.messages[0])
        assert first["X-Arbots-Key"].startswith("mail-")
        assert first["Subject"].startswith(("Friendly reminder", "Second reminder",
                                            "Final notice"))
        assert len(list(Path(cfg.collections.outbox).glob("*.eml"))) == sent

        run_bots(cfg, ("collections",), Trigger.ON_DEMAND)
        assert len(inbox.messages) == sent  # the same day: nothing sent again


def test_a_certificate_from_an_untrusted_ca_is_refused(ca: trustme.CA, tmp_path: Path) -> None:
    with smtp_server(trustme.CA()) as (port, inbox):  # a CA nobody trusts
        with pytest.raises(ssl.SSLCertVerificationError):
            send_smtp(smtp_policy(tmp_path, port, ca=ca), message())
    assert inbox.logins == [] and inbox.messages == []


def test_the_system_cas_are_used_without_ca_file(tmp_path: Path, ca: trustme.CA) -> None:
    with smtp_server(ca) as (port, inbox):
        with pytest.raises(ssl.SSLCertVerificationError):
            send_smtp(smtp_policy(tmp_path, port), message())
    assert inbox.logins == [] and inbox.messages == []


def test_no_auth_without_starttls(tmp_path: Path) -> None:
    with smtp_server(None, plain_auth=True) as (port, inbox):
        with pytest.raises(SmtpRefused, match="does not offer STARTTLS; nothing was sent"):
            send_smtp(smtp_policy(tmp_path, port), message())
    assert inbox.logins == [] and inbox.messages == []


def test_plaintext_auth_only_when_explicitly_allowed(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"site.toml: collections.smtp.starttls: false would "
                                          r"send the password in clear"):
        smtp_policy(tmp_path, 25, "starttls = false")
    with smtp_server(None, plain_auth=True) as (port, inbox):
        policy = smtp_policy(tmp_path, port, "starttls = false\nallow_plaintext_auth = true")
        send_smtp(policy, message())
        with pytest.raises(SmtpRefused, match="refusing to send the password"):
            send_smtp(replace(policy, smtp_allow_plaintext_auth=False), message())
    assert inbox.logins == [(PASSWORD, False)] and len(inbox.messages) == 1


def test_implicit_tls_on_port_465_style(ca: trustme.CA, tmp_path: Path) -> None:
    with smtp_server(ca, implicit=True) as (port, inbox):
        policy = smtp_policy(tmp_path, port, "implicit_tls = true", ca=ca)
        assert (policy.smtp_implicit_tls, policy.smtp_starttls) == (True, False)
        send_smtp(policy, message())
    assert inbox.logins == [(PASSWORD, True)] and len(inbox.messages) == 1
    assert smtp_policy(tmp_path, 465).smtp_implicit_tls  # the default on port 465
    with pytest.raises(ConfigError, match="collections.smtp.starttls: implicit_tls"):
        smtp_policy(tmp_path, 465, "starttls = true")


def test_the_password_is_a_reference_resolved_late(tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("ARBOTS_TEST_SMTP_PASSWORD")
    policy = smtp_policy(tmp_path, 587)
    assert isinstance(policy.smtp_password, Secret)
    with pytest.raises(ConfigError, match=r'site.toml: collections.smtp.password = '
                                          r'\{ env = "ARBOTS_TEST_SMTP_PASSWORD" \}: '
                                          r"environment variable ARBOTS_TEST_SMTP_PASSWORD "
                                          r"is not set"):
        policy.smtp_password.reveal()
