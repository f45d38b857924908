"""IMAP backend against a real Dovecot on loopback (started by the session fixture)."""

from __future__ import annotations

import base64
import imaplib
import logging
import time
from dataclasses import replace
from pathlib import Path

import pytest
from mailbox_servers import (  # noqa: F401 - fixture
    OAUTH_TOKEN,
    Dovecot,
    deliver,
    dovecot,
    message,
)

from bots.config import ConfigError, Secret
from bots.email import MailboxAuthError, MailboxError, MessageRef, TransientError, open_mailbox
from bots.email.imap import ImapMailbox, xoauth2_initial_response, xoauth2_string
from bots.retry import RetryPolicy


def folder_uids(server: Dovecot, user: str, folder: str) -> list[bytes]:
    imap = imaplib.IMAP4(server.host, server.port)
    imap.login(user, server.password)
    imap.select(f'"{folder}"')
    _, data = imap.uid("SEARCH", None, "UNDELETED")
    imap.logout()
    return data[0].split()


class CountingSleep:
    def __init__(self) -> None:
        self.waits: list[float] = []

    def __call__(self, seconds: float) -> None:
        self.waits.append(seconds)


def box_for(server: Dovecot, user: str, password: str | None = None, **extra: object) \
        -> ImapMailbox:
    settings = {"kind": "imap", "host": server.host, "port": server.port,
                "security": "plain", "user": user, "password": {"env": "T_IMAP_PW"}}
    settings.update(extra)
    box = open_mailbox("remit", settings, Path("."), source="test.toml")
    assert isinstance(box, ImapMailbox)
    box._password = Secret.literal(password or server.password)
    return box


@pytest.mark.slow  # a real Dovecot: about 3 s to start and stop per module
def test_list_fetch_move_round_trip(dovecot: Dovecot) -> None:  # noqa: F811
    user = "roundtrip@arbots.example"
    sent = [message(n) for n in (1, 2, 3)]
    for raw in sent:
        deliver(dovecot, user, raw)
    with box_for(dovecot, user) as box:
        refs = box.list_new()
        assert [r.subject for r in refs] == ["Remittance advice 1", "Remittance advice 2",
                                             "Remittance advice 3"]
        assert refs[0].sender == "Payer 1 <ap1@customer.example>"
        assert refs[0].date is not None and refs[0].date.minute == 1
        validity = refs[0].id.split(".")[0]
        assert validity.isdigit() and all(r.id.startswith(validity + ".") for r in refs)
        assert [box.fetch(r) for r in refs] == sent  # byte for byte
        new_id = box.move(refs[0], "processed")
        assert new_id is not None and new_id.endswith(".1")
        box.move(refs[1], "exceptions")
        assert [r.id for r in box.list_new()] == [refs[2].id]
    assert folder_uids(dovecot, user, "processed") == [b"1"]
    assert folder_uids(dovecot, user, "exceptions") == [b"1"]
    with box_for(dovecot, user) as again:  # a new session sees the same state
        assert [r.subject for r in again.list_new()] == ["Remittance advice 3"]


@pytest.mark.slow  # a real Dovecot: about 3 s to start and stop per module
def test_move_without_server_move_uses_copy_delete_expunge(dovecot: Dovecot) -> None:  # noqa: F811
    user = "nomove@arbots.example"
    deliver(dovecot, user, message(7))
    deliver(dovecot, user, message(8))
    with box_for(dovecot, user, processed="Done Items") as box:
        box.capabilities -= {"MOVE"}
        refs = box.list_new()
        assert box.move(refs[0], "processed") is not None
        assert [r.subject for r in box.list_new()] == ["Remittance advice 8"]
        assert box.fetch(refs[1]) == message(8)
    assert folder_uids(dovecot, user, "Done Items") == [b"1"]


@pytest.mark.slow  # a real Dovecot: about 3 s to start and stop per module
def test_messages_dropped_into_the_maildir_are_listed(dovecot: Dovecot) -> None:  # noqa: F811
    user = "maildir@arbots.example"
    with box_for(dovecot, user) as box:
        assert box.list_new() == []
        new = dovecot.maildir(user) / "new"
        raw = message(5).replace(b"\r\n", b"\n")
        (new / f"{time.time_ns()}.M1P1.test").write_bytes(raw)
        refs = box.list_new()
        assert [r.subject for r in refs] == ["Remittance advice 5"]
        assert box.fetch(refs[0]) == raw.replace(b"\n", b"\r\n")  # IMAP speaks CRLF


@pytest.mark.slow  # a real Dovecot: about 3 s to start and stop per module
def test_wrong_password_is_a_clear_auth_error_never_retried(dovecot: Dovecot,  # noqa: F811
                                                             caplog: pytest.LogCaptureFixture) \
        -> None:
    sleep = CountingSleep()
    box = box_for(dovecot, "wrongpw@arbots.example", password="not-the-Password-123")
    box.retry = RetryPolicy(attempts=4, sleep=sleep)
    caplog.set_level(logging.DEBUG)
    with pytest.raises(MailboxAuthError) as info:
        box.connect()
    text = str(info.value)
    assert "refused the login of wrongpw@arbots.example" in text
    assert "AUTHENTICATIONFAILED" in text
    assert sleep.waits == []
    for shown in (text, repr(box), repr(box._password), caplog.text):
        assert "not-the-Password-123" not in shown


@pytest.mark.slow  # a real Dovecot: about 3 s to start and stop per module
def test_stale_uidvalidity_is_refused(dovecot: Dovecot) -> None:  # noqa: F811
    user = "stale@arbots.example"
    deliver(dovecot, user, message(1))
    with box_for(dovecot, user) as box:
        (ref,) = box.list_new()
        stale = MessageRef(ref.mailbox, "1." + ref.id.split(".")[1])
        with pytest.raises(MailboxError, match="renumbered"):
            box.fetch(stale)


def test_connection_refused_is_retried_then_reported() -> None:
    sleep = CountingSleep()
    box = ImapMailbox("down", host="127.0.0.1", port=1, security="plain", user="u",
                      password=Secret.literal("pw-never-shown"),
                      retry=RetryPolicy(attempts=3, base_delay=0.5, jitter=0, sleep=sleep))
    with pytest.raises(TransientError, match="gave up after 3 attempt") as info:
        box.connect()
    assert sleep.waits == [0.5, 1.0]
    assert "ConnectionRefusedError" in str(info.value)
    assert "pw-never-shown" not in str(info.value)


@pytest.mark.slow  # a real Dovecot: about 3 s to start and stop per module
@pytest.mark.parametrize("security", ["starttls", "ssl"])
def test_tls_with_a_private_ca(dovecot: Dovecot, security: str) -> None:  # noqa: F811
    user = f"tls-{security}@arbots.example"
    deliver(dovecot, user, message(4))
    port = dovecot.tls_port if security == "ssl" else dovecot.port
    trusted = box_for(dovecot, user, security=security, port=port,
                      ca_bundle=str(dovecot.root / "cert.pem"))
    with trusted:
        (ref,) = trusted.list_new()
        assert trusted.fetch(ref) == message(4)
    sleep = CountingSleep()
    untrusted = box_for(dovecot, user, security=security, port=port)
    untrusted.retry = RetryPolicy(attempts=3, sleep=sleep)
    with pytest.raises(MailboxError, match="certificate of 127.0.0.1 not trusted") as info:
        untrusted.connect()
    assert not isinstance(info.value, TransientError) and sleep.waits == []


def test_xoauth2_sasl_string() -> None:
    raw = xoauth2_initial_response("remit@contoso.example", "eyJ0.abc")
    assert raw == b"user=remit@contoso.example\x01auth=Bearer eyJ0.abc\x01\x01"
    assert base64.b64decode(xoauth2_string("remit@contoso.example", "eyJ0.abc")) == raw
    # the string Microsoft documents for "test@contoso.onmicrosoft.com" / "EwBAAl3BAAUFFpUAo7J3Ve"
    assert xoauth2_string("test@contoso.onmicrosoft.com", "EwBAAl3BAAUFFpUAo7J3Ve") == (
        "dXNlcj10ZXN0QGNvbnRvc28ub25taWNyb3NvZnQuY29tAWF1dGg9QmVhcmVyIEV3QkFBbDNCQUFVRkZwVUFv"
        "N0ozVmUBAQ==")


@pytest.mark.slow  # a real Dovecot: about 3 s to start and stop per module
def test_xoauth2_login_against_dovecot_oauth2(dovecot: Dovecot,  # noqa: F811
                                               caplog: pytest.LogCaptureFixture) -> None:
    class Token:
        def __init__(self, value: str) -> None:
            self.value = value

        def token(self) -> str:
            return self.value

    user = "oauth@arbots.example"
    deliver(dovecot, user, message(9))
    box = ImapMailbox("oauth", host=dovecot.host, port=dovecot.port, security="plain",
                      user=user, token=Token(OAUTH_TOKEN + user), retry=RetryPolicy(attempts=1))
    with box:
        (ref,) = box.list_new()
        assert box.fetch(ref) == message(9)
    sleep = CountingSleep()
    refused = ImapMailbox("oauth", host=dovecot.host, port=dovecot.port, security="plain",
                          user=user, token=Token("revoked-Token-777"),
                          retry=RetryPolicy(attempts=3, sleep=sleep))
    caplog.set_level(logging.DEBUG)
    with pytest.raises(MailboxAuthError, match="AUTHENTICATIONFAILED") as info:
        refused.connect()
    assert sleep.waits == []
    assert "revoked-Token-777" not in str(info.value) + caplog.text + repr(refused)


def test_settings_are_validated_with_file_and_key() -> None:
    base = {"kind": "imap", "host": "imap.example.com", "user": "u",
            "password": {"env": "X"}}
    with pytest.raises(ConfigError, match=r"site.toml: mailboxes.m.security: \"plain\""):
        open_mailbox("m", {**base, "security": "plain"}, Path("."), source="site.toml")
    with pytest.raises(ConfigError, match=r"site.toml: mailboxes.m.password: secrets are never"):
        open_mailbox("m", {**base, "password": "hunter2"}, Path("."), source="site.toml")
    with pytest.raises(ConfigError, match=r"mailboxes.m.ca_bundle: cannot load /nonexistent"):
        open_mailbox("m", {**base, "ca_bundle": "/nonexistent/ca.pem"}, Path("."))
    with pytest.raises(ConfigError, match=r"mailboxes.m.prot: unknown key"):
        open_mailbox("m", {**base, "prot": 1}, Path("."), source="site.toml")
    with pytest.raises(ConfigError, match=r"mailboxes.m.oauth.tenant: give tenant"):
        open_mailbox("m", {**base, "auth": "xoauth2", "password": None} | {"oauth": {}},
                     Path("."), source="site.toml")
    box = open_mailbox("m", {**base, "retries": 0}, Path("."), source="site.toml")
    assert isinstance(box, ImapMailbox) and box.port == 993 and box.retry.attempts == 1
    assert replace(box.retry, attempts=2).attempts == 2
