"""No secret, and no portal session or device cookie, in anything a nightly run writes.

A full ``run_bots(cfg, ("nightly",))`` on the small sandbox world where every
secret resolves to a canary value:

* SAP: ``[sap.connection] passwd = { env }`` (the SAP simulator demands it);
* mailboxes: an IMAP mailbox with ``password = { env }`` and one with an
  XOAUTH2 ``token = { env }``, on a real Dovecot on loopback, besides the
  demo folder mailbox;
* SMTP: ``[collections.smtp] password = { env }`` (aiosmtpd, STARTTLS);
* portals: a configured Taulia-like site with ``password`` and
  ``totp_secret = { env }``, served by a reference portal this test starts
  (it has no purchase orders: the submission fails and leaves its trace zip,
  recorded after sign-in with the session and the MFA-device cookies); and the
  sandbox's Coupa- and Ariba-like sites, whose sandbox credentials
  (``bots.sandbox.portals.launcher``) are patched to the same canaries.

Then every file below ARBOTS_HOME is scanned (zips unpacked: the portal trace
zips), the store's SQLite files included, and the captured log records, stdout
and stderr: no canary anywhere. The portals' session and device cookie values
(every one any reference portal issued) must not appear either, except in the
portal session files ``var/portals/state/*.json``: that is the documented
session store (:mod:`bots.portals.runner`: mode 0600 in a 0700 folder),
checked here for those permissions and for holding no canary. The remote
systems (SAP simulator, reference portals, demo mailbox, Dovecot, the SMTP
server) keep their data outside ARBOTS_HOME and are not scanned; the log
records of the test's own SMTP server (``mail.log``) are left out too.
"""

from __future__ import annotations

import importlib.util
import io
import logging
import stat
import sys
import zipfile
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
import trustme

from bots.config import load_config
from bots.domain import Trigger
from bots.runner import run_bots
from bots.sandbox.portals import db as portal_db
from bots.sandbox.portals import launcher
from bots.sandbox.world import reset_world
from tests.pipeline.test_reminders_smtp import PASSWORD as SMTP_PASSWORD
from tests.pipeline.test_reminders_smtp import smtp_server

pytestmark = pytest.mark.slow

SAP_PASSWORD = "canary-sap-7c41e9"
PORTAL_PASSWORD = "canary-portal-93b2d0"
TOTP_SECRET = "CANARYTOTPSECRETQQQQQQQQQQQQQQQQ"  # base32, as a TOTP secret must be


def _mailbox_servers() -> ModuleType:
    """tests/email/mailbox_servers.py (not a package: loaded by its path, once)."""
    if "mailbox_servers" not in sys.modules:
        spec = importlib.util.spec_from_file_location(
            "mailbox_servers", Path(__file__).resolve().parents[1] / "email" /
            "mailbox_servers.py")
        assert spec and spec.loader
        sys.modules["mailbox_servers"] = module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
    return sys.modules["mailbox_servers"]


servers = _mailbox_servers()
dovecot = servers.dovecot  # the session fixture


def config_text(remote: Path, imap: Any, smtp_port: int, smtp_ca: Path, taulia_url: str) -> str:
    return f"""
[store]
path = "var/arbots.sqlite"
runs_dir = "var/runs"

[sap]
mode = "sandbox"
sandbox_db = "{remote / 'sap.sqlite'}"
company_codes = ["1000", "2000"]
[sap.connection]
user = "ARBOTS"
passwd = {{ env = "ARBOTS_CANARY_SAP" }}

[collections]
outbox = "var/outbox"
[collections.smtp]
host = "127.0.0.1"
port = {smtp_port}
user = "ar@example.com"
password = {{ env = "ARBOTS_CANARY_SMTP" }}
ca_file = "{smtp_ca}"

[mailboxes.sandbox]
kind = "folder"
path = "{remote / 'mailbox'}"
[mailboxes.imap-password]
kind = "imap"
host = "127.0.0.1"
port = {imap.tls_port}
user = "remit-password"
password = {{ env = "ARBOTS_CANARY_IMAP" }}
ca_bundle = "{imap.root / 'cert.pem'}"
[mailboxes.imap-token]
kind = "imap"
host = "127.0.0.1"
port = {imap.tls_port}
user = "remit-token"
auth = "xoauth2"
ca_bundle = "{imap.root / 'cert.pem'}"
[mailboxes.imap-token.oauth]
token = {{ env = "ARBOTS_CANARY_IMAP_TOKEN" }}

[portals]
sandbox_dir = "{remote / 'portals-sandbox'}"
attempts = 1
submit_within_days = 1
tax_rate = "10"
supplier_vat_id = "DE811907980"
[portals.sites.coupa-sandbox]
family = "coupa"
[portals.sites.ariba-sandbox]
family = "ariba"
[portals.sites.taulia-real]
family = "taulia"
base_url = "{taulia_url}"
user = "{launcher.SANDBOX_USER}"
password = {{ env = "ARBOTS_CANARY_PORTAL" }}
totp_secret = {{ env = "ARBOTS_CANARY_TOTP" }}
[portals.customers]
"0000100001" = "coupa-sandbox"
"0000100006" = "ariba-sandbox"
"0000100008" = "taulia-real"
"""


def files_below(root: Path) -> Iterator[tuple[str, bytes]]:
    """(name, bytes) of every file below ``root``, zip members unpacked (recursively)."""
    for path in sorted(root.rglob("*")):
        if path.is_file():
            yield from _unpacked(str(path.relative_to(root)), path.read_bytes())


def _unpacked(name: str, data: bytes) -> Iterator[tuple[str, bytes]]:
    yield name, data
    if data[:4] == b"PK\x03\x04":
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            for member in archive.namelist():
                yield from _unpacked(f"{name}!{member}", archive.read(member))


def test_no_secret_and_no_cookie_in_anything_a_nightly_run_writes(
        tmp_path: Path, dovecot: Any, monkeypatch: pytest.MonkeyPatch,
        caplog: pytest.LogCaptureFixture, capfd: pytest.CaptureFixture[str]) -> None:
    home, remote = tmp_path / "home", tmp_path / "remote"
    home.mkdir()
    remote.mkdir()
    imap_token = servers.OAUTH_TOKEN + "remit-token"
    canaries = {"SAP": SAP_PASSWORD, "SMTP": SMTP_PASSWORD, "IMAP": dovecot.password,
                "IMAP_TOKEN": imap_token, "PORTAL": PORTAL_PASSWORD, "TOTP": TOTP_SECRET}
    for name, value in canaries.items():
        monkeypatch.setenv(f"ARBOTS_CANARY_{name}", value)
    monkeypatch.setenv("ARBOTS_SANDBOX_PASSWORD", SAP_PASSWORD)
    monkeypatch.setattr(launcher, "SANDBOX_PASSWORD", PORTAL_PASSWORD)
    monkeypatch.setattr(launcher, "SANDBOX_TOTP_SECRET", TOTP_SECRET)
    cookies: list[str] = []
    for method in ("new_session", "new_device"):
        issue = getattr(portal_db.PortalDB, method)

        def recording(self: Any, *args: Any, _issue: Any = issue) -> str:
            cookies.append(token := _issue(self, *args))
            return token

        monkeypatch.setattr(portal_db.PortalDB, method, recording)
    for user in ("remit-password", "remit-token"):
        servers.deliver(dovecot, user, servers.message(1))
    ca = trustme.CA()
    ca.cert_pem.write_to_path(str(tmp_path / "smtp-ca.pem"))
    caplog.set_level(logging.DEBUG)

    with smtp_server(ca) as (smtp_port, inbox), \
            launcher.start_portals(["0000100008"], remote / "portals-real") as real:
        (home / "site.toml").write_text(config_text(
            remote, dovecot, smtp_port, tmp_path / "smtp-ca.pem", real.taulia.url),
            encoding="utf-8")
        cfg = load_config(home / "site.toml", home=home)
        reset_world(cfg, size="small")
        outcome = run_bots(cfg, ("nightly",), Trigger.ON_DEMAND)

    # the run really used every secret
    sections = {bot.name: bot for bot in outcome.report.bots}
    assert sections["openitems"].counts.get("open_items", 0) > 0, sections["openitems"]
    assert {password for password, _ in inbox.logins} == {SMTP_PASSWORD}
    assert sections["intake"].counts.get("messages", 0) >= 2, sections["intake"]
    assert sections["portals"].counts["submitted"] >= 2, sections["portals"]
    failures = [e for e in sections["portals"].errors if "taulia-real" in " ".join(e.files)]
    assert failures and any(f.endswith(".zip") for e in failures for f in e.files), failures
    assert len(cookies) >= 4  # sessions at three portals, the Taulia device

    state = home / "var" / "portals" / "state"
    written = list(files_below(home))
    leaks = [(name, label) for name, data in written for label, value in canaries.items()
             if value.encode() in data]
    session_files = {str(p.relative_to(home)) for p in state.glob("*.json")}
    leaks += [(name, "portal cookie") for name, data in written if name not in session_files
              for value in cookies if value.encode() in data]
    captured = capfd.readouterr()
    logged = "\n".join(caplog.handler.format(r) for r in caplog.records
                       if not r.name.startswith("mail.log"))
    for where, text in (("log", logged), ("stdout", captured.out), ("stderr", captured.err)):
        leaks += [(where, label) for label, value in canaries.items() if value in text]
        leaks += [(where, "portal cookie") for value in cookies if value in text]
    assert leaks == []
    # the scan saw what it had to see: the store, unpacked trace zips, the cookies it hunts
    names = [name for name, _ in written]
    assert "var/arbots.sqlite" in names and any(".zip!" in name for name in names)
    assert any(value.encode() in (home / f).read_bytes() for f in session_files
               for value in cookies), "the session store holds the cookies the scan looks for"
    assert stat.S_IMODE(state.stat().st_mode) == 0o700
    assert {stat.S_IMODE((home / f).stat().st_mode) for f in session_files} == {0o600}
