"""IMAP mailboxes through the standard library's imaplib.

Connects with TLS (``security = "ssl"``, port 993), STARTTLS (port 143) or,
only towards a loopback address, plain text (tests against a local Dovecot).
Logs in with a password, or with SASL XOAUTH2 and a bearer token (Exchange
Online: scope ``https://outlook.office365.com/.default``, permission
``IMAP.AccessAsApp``)::

    [mailboxes.remittances]
    kind = "imap"
    host = "imap.example.com"
    security = "ssl"                 # ssl | starttls | plain (loopback only)
    user = "remit@example.com"
    password = { env = "ARBOTS_IMAP_PASSWORD" }   # or: auth = "xoauth2" + [.oauth]
    folder = "INBOX"                 # watched folder
    processed = "processed"          # created when missing
    exceptions = "exceptions"
    timeout = 30                     # seconds per network operation
    # ca_bundle = "/etc/ssl/corp-ca.pem"   # trust a private CA (default: the system's)
    retries = 3

How: every command is a UID command. A message's id is ``UIDVALIDITY.UID``
of the watched folder, so an id from a previous life of the folder (the
server renumbered it) is refused instead of fetching the wrong message.
``fetch`` uses ``BODY.PEEK[]`` (does not set ``\\Seen``). ``move`` uses
``UID MOVE`` when the server announces MOVE, else ``UID COPY`` + ``\\Deleted``
+ ``UID EXPUNGE`` (plain ``EXPUNGE`` without UIDPLUS). A broken connection is
reopened by the retry policy; a move retried after a lost answer finds the
UID gone, which IMAP treats as success.

Limits: folder names must be ASCII (no modified UTF-7 encoding); no IDLE.
"""

from __future__ import annotations

import base64
import imaplib
import re
import ssl
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from bots.config import ConfigError, Secret
from bots.email.base import (
    Destination,
    Mailbox,
    MailboxAuthError,
    MailboxError,
    MessageRef,
    TransientError,
    register,
    required_secret,
    summarize_headers,
)
from bots.email.oauth import OUTLOOK_SCOPE, TokenProvider, token_provider_from_settings
from bots.email.retry import DEFAULT_POLICIES, policy_from_settings, retried
from bots.retry import RetryPolicy

if TYPE_CHECKING:
    from bots.config import _Section

T = TypeVar("T")
LOOPBACK = ("127.0.0.1", "localhost", "::1")
_UID = re.compile(rb"UID (\d+)")
_BATCH = 500  # UIDs per FETCH command


def xoauth2_initial_response(user: str, token: str) -> bytes:
    """The SASL XOAUTH2 client response, before base64 (imaplib encodes it)."""
    return f"user={user}\x01auth=Bearer {token}\x01\x01".encode()


def xoauth2_string(user: str, token: str) -> str:
    """``base64("user=…\\x01auth=Bearer …\\x01\\x01")`` as sent on the wire."""
    return base64.b64encode(xoauth2_initial_response(user, token)).decode("ascii")


def _quote(folder: str) -> str:
    return '"' + folder.replace("\\", "\\\\").replace('"', '\\"') + '"'


@register
class ImapMailbox(Mailbox):
    """One folder of an IMAP account, with processed/exceptions folders beside it."""

    kind = "imap"

    def __init__(self, name: str, *, host: str, port: int, security: str, user: str,
                 password: Secret | None = None, token: TokenProvider | None = None,
                 folder: str = "INBOX", processed: str = "processed",
                 exceptions: str = "exceptions", timeout: int = 30,
                 retry: RetryPolicy = DEFAULT_POLICIES["imap"],
                 ssl_context: ssl.SSLContext | None = None) -> None:
        super().__init__(name)
        if (password is None) == (token is None):
            raise ValueError("ImapMailbox: give a password or a token provider")
        self.host, self.port, self.security, self.user = host, port, security, user
        self._password, self._token = password, token
        self.folder = folder
        self.folders: dict[Destination, str] = {"processed": processed,
                                                "exceptions": exceptions}
        self.timeout, self.retry, self._ssl_context = timeout, retry, ssl_context
        self.capabilities: set[str] = set()
        self.uidvalidity = ""
        self._imap: imaplib.IMAP4 | None = None

    @classmethod
    def from_settings(cls, name: str, section: _Section, home: Path) -> ImapMailbox:
        security = section.text("security", "ssl", choices=("ssl", "starttls", "plain"))
        host = section.text("host")
        if security == "plain" and host not in LOOPBACK:
            raise ConfigError(f"{section.source}: {section.prefix}.security: \"plain\" sends "
                              f"the password in clear text; only allowed towards "
                              f"{'/'.join(LOOPBACK)}, not {host!r}")
        auth = section.text("auth", "password", choices=("password", "xoauth2"))
        password = required_secret(section, "password") if auth == "password" else None
        token = token_provider_from_settings(section.table("oauth"), OUTLOOK_SCOPE) \
            if auth == "xoauth2" else None
        names = {key: section.text(key, key) for key in ("processed", "exceptions")}
        ca_bundle = section.text("ca_bundle", None)
        context = None
        if ca_bundle is not None:
            cafile = section.path("ca_bundle", home, ca_bundle)
            try:
                context = ssl.create_default_context(cafile=str(cafile))
            except (OSError, ssl.SSLError) as exc:
                raise ConfigError(f"{section.source}: {section.prefix}.ca_bundle: cannot load "
                                  f"{cafile}: {exc}") from None
        watched = section.text("folder", "INBOX")
        for key, value in (("folder", watched), *names.items()):
            if not value.isascii() or not value:
                raise ConfigError(f"{section.source}: {section.prefix}.{key}: folder names "
                                  f"must be non-empty ASCII, got {value!r}")
        box = cls(name, host=host,
                  port=section.integer("port", 993 if security == "ssl" else 143, minimum=1),
                  security=security, user=section.text("user"), password=password,
                  token=token, folder=watched, timeout=section.integer("timeout", 30, minimum=1),
                  retry=policy_from_settings(section, "imap"),
                  processed=names["processed"], exceptions=names["exceptions"],
                  ssl_context=context)
        section.check_unknown()
        return box

    # ------------------------------------------------------------------ connection

    def connect(self) -> None:
        self._call("connect", lambda imap: None)

    def _open(self) -> imaplib.IMAP4:
        context = self._ssl_context or ssl.create_default_context()
        if self.security == "ssl":
            imap: imaplib.IMAP4 = imaplib.IMAP4_SSL(self.host, self.port, ssl_context=context,
                                                    timeout=self.timeout)
        else:
            imap = imaplib.IMAP4(self.host, self.port, timeout=self.timeout)
            if self.security == "starttls":
                imap.starttls(context)
        try:
            self._login(imap)
            imap.capability()  # servers announce more (MOVE, UIDPLUS) after login
            self.capabilities = set(imap.capabilities)
            self._select(imap)
            for folder in self.folders.values():
                _, found = imap.list('""', _quote(folder))
                if found == [None]:
                    self._ok(imap.create(_quote(folder)), f"create folder {folder}")
        except BaseException:
            imap.shutdown()
            raise
        return imap

    def _login(self, imap: imaplib.IMAP4) -> None:
        try:
            if self._token is not None:
                response = xoauth2_initial_response(self.user, self._token.token())
                imap.authenticate("XOAUTH2", lambda _challenge: response)
            else:
                assert self._password is not None
                imap.login(self.user, self._password.reveal())
        except imaplib.IMAP4.abort:
            raise
        except imaplib.IMAP4.error as exc:
            raise MailboxAuthError(f"mailbox {self.name}: {self.host} refused the login of "
                                   f"{self.user}: {_text(exc)}") from None

    def _select(self, imap: imaplib.IMAP4) -> None:
        self._ok(imap.select(_quote(self.folder)), f"select folder {self.folder}")
        _, values = imap.response("UIDVALIDITY")
        self.uidvalidity = values[0].decode() if values and values[0] else "0"

    def _drop(self) -> None:
        """Forget a broken connection; the next attempt opens a new one."""
        if self._imap is not None:
            try:
                self._imap.shutdown()
            except OSError:
                pass
        self._imap = None

    def close(self) -> None:
        if self._imap is not None:
            try:
                self._imap.logout()
            except (imaplib.IMAP4.error, OSError):
                pass
        self._imap = None

    # ------------------------------------------------------------------ calls

    def _call(self, what: str, operation: Callable[[imaplib.IMAP4], T]) -> T:
        """Run ``operation`` on an open connection, translating and retrying failures."""
        label = f"mailbox {self.name}: {what}"

        def attempt() -> T:
            with self._translated(label):
                if self._imap is None:
                    self._imap = self._open()
                return operation(self._imap)

        return retried(self.retry, attempt, label, before_retry=self._drop)

    @contextmanager
    def _translated(self, label: str) -> Iterator[None]:
        try:
            yield
        except MailboxError:
            raise
        except ssl.SSLCertVerificationError as exc:
            raise MailboxError(f"{label}: certificate of {self.host} not trusted: "
                               f"{exc.verify_message}") from None
        except (imaplib.IMAP4.abort, OSError, EOFError) as exc:
            raise TransientError(f"{label}: {self.host}:{self.port}: "
                                 f"{type(exc).__name__}: {_text(exc)}") from None
        except imaplib.IMAP4.error as exc:
            raise MailboxError(f"{label}: {_text(exc)}") from None

    @staticmethod
    def _ok(result: tuple[str, list], what: str) -> list:
        typ, data = result
        if typ != "OK":
            raise MailboxError(f"{what}: server answered {typ} {_text(data)}")
        return data

    def _uid(self, ref: MessageRef) -> str:
        validity, _, uid = ref.id.partition(".")
        if not uid.isdigit():
            raise MailboxError(f"mailbox {self.name}: {ref.id!r} is not an IMAP message id")
        if self._imap is None:
            self.connect()
        if validity != self.uidvalidity:
            raise MailboxError(f"mailbox {self.name}: folder {self.folder} was renumbered "
                               f"(UIDVALIDITY {validity} -> {self.uidvalidity}); list again")
        return uid

    # ------------------------------------------------------------------ contract

    def list_new(self) -> list[MessageRef]:
        return self._call("list", self._list)

    def _list(self, imap: imaplib.IMAP4) -> list[MessageRef]:
        imap.noop()  # learn about messages delivered since the folder was selected
        data = self._ok(imap.uid("SEARCH", "UNDELETED"), "search")
        uids = data[0].split() if data and data[0] else []
        refs = []
        for start in range(0, len(uids), _BATCH):
            batch = b",".join(uids[start:start + _BATCH]).decode()
            fetched = self._ok(imap.uid("FETCH", batch,
                                        "(BODY.PEEK[HEADER.FIELDS (SUBJECT FROM DATE)])"),
                               "fetch headers")
            for item in fetched:
                if isinstance(item, tuple) and (match := _UID.search(item[0])):
                    refs.append(summarize_headers(item[1], self.name,
                                                  f"{self.uidvalidity}.{int(match[1])}"))
        refs.sort(key=lambda ref: int(ref.id.partition(".")[2]))
        return refs

    def fetch(self, ref: MessageRef) -> bytes:
        uid = self._uid(ref)

        def body(imap: imaplib.IMAP4) -> bytes:
            data = self._ok(imap.uid("FETCH", uid, "(BODY.PEEK[])"), f"fetch {ref.id}")
            for item in data:
                if isinstance(item, tuple):
                    return bytes(item[1])
            raise MailboxError(f"mailbox {self.name}: message {ref.id} is no longer in "
                               f"{self.folder}")

        return self._call(f"fetch {ref.id}", body)

    def move(self, ref: MessageRef, to: Destination) -> str | None:
        """Move to the processed/exceptions folder; returns ``UIDVALIDITY.UID`` there."""
        uid, folder = self._uid(ref), _quote(self.folders[self._check_destination(to)])

        def relocate(imap: imaplib.IMAP4) -> str | None:
            imap.untagged_responses.pop("COPYUID", None)
            if "MOVE" in self.capabilities:
                self._ok(imap.uid("MOVE", uid, folder), f"move {ref.id}")
            else:
                self._ok(imap.uid("COPY", uid, folder), f"copy {ref.id}")
                self._ok(imap.uid("STORE", uid, "+FLAGS.SILENT", r"(\Deleted)"),
                         f"flag {ref.id}")
                self._ok(imap.uid("EXPUNGE", uid) if "UIDPLUS" in self.capabilities
                         else imap.expunge(), f"expunge {ref.id}")
            _, copied = imap.response("COPYUID")
            if copied and copied[-1]:
                validity, _, new = copied[-1].decode().split()
                return f"{validity}.{new}"
            return None

        return self._call(f"move {ref.id} to {to}", relocate)


def _text(value: object) -> str:
    """Server words as text (imaplib hands out bytes, lists of bytes, exceptions)."""
    if isinstance(value, BaseException):
        value = value.args[0] if value.args else str(value)
    if isinstance(value, list):
        value = b" ".join(v for v in value if isinstance(v, bytes))
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    return str(value)
